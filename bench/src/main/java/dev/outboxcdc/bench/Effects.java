package dev.outboxcdc.bench;

import dev.outboxcdc.envelope.Envelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The business effect every consumer of the consumer phase writes: one row per event, from the event's
 * data, in the transaction of its processed_events record. No key on the table, so an effect written
 * twice shows in the count.
 */
final class Effects {

    static final String TABLE = "bench_effects";
    static final String DDL = """
            CREATE TABLE bench_effects (
              event_id    uuid        NOT NULL,
              employee_id text        NOT NULL,
              salary      numeric     NOT NULL,
              written_at  timestamptz NOT NULL DEFAULT now())""";
    private static final String INSERT = "INSERT INTO bench_effects (event_id, employee_id, salary) VALUES (?, ?, ?)";

    private Effects() {}

    /** Writes {@code event}'s effect on {@code connection}, in its transaction. */
    static void write(Envelope event, Connection connection) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setObject(1, event.eventId());
            insert.setString(2, event.data().get("employeeId").asText());
            insert.setBigDecimal(3, event.data().get("salary").decimalValue());
            insert.executeUpdate();
        }
    }
}
