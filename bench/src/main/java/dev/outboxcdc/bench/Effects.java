package dev.outboxcdc.bench;

import dev.outboxcdc.envelope.Envelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

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

    private static final String COUNT = "SELECT (SELECT count(*) FROM " + TABLE + "), (SELECT count(DISTINCT event_id)"
            + " FROM " + TABLE + "), (SELECT count(*) FROM processed_events)";

    private Effects() {}

    /**
     * What the consumers left behind.
     *
     * @param effects   rows in the effects table
     * @param distinct  distinct events among them
     * @param processed processed_events records
     */
    record Counts(long effects, long distinct, long processed) {}

    /** Counts the effects and processed_events records in {@code pool}'s database. */
    static Counts count(DataSource pool) throws SQLException {
        try (Connection db = pool.getConnection();
                Statement statement = db.createStatement();
                ResultSet counts = statement.executeQuery(COUNT)) {
            counts.next();
            return new Counts(counts.getLong(1), counts.getLong(2), counts.getLong(3));
        }
    }

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
