package dev.outboxcdc.relay;

import dev.outboxcdc.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Inserts outbox rows the way services do: plain JDBC, several rows per transaction. */
public final class OutboxRows {

    private static final String INSERT =
            "INSERT INTO outbox_events (id, event_id, event_type, payload) VALUES (?, ?, ?, ?::jsonb)";

    private OutboxRows() {}

    /** Inserts one transaction of {@code count} rows of {@code type}; returns their event ids in insert order. */
    public static List<String> insertTransaction(Connection connection, String type, int count, String payload)
            throws SQLException {
        List<String> ids = new ArrayList<>(count);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
            for (int i = 0; i < count; i++) {
                UUID eventId = UUID.randomUUID();
                statement.setObject(1, UUID.randomUUID());
                statement.setObject(2, eventId);
                statement.setString(3, type);
                statement.setString(4, payload);
                statement.addBatch();
                ids.add(eventId.toString());
            }
            statement.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return ids;
    }

    /** Inserts one committed row; returns its event id. */
    public static String insertOne(TestDatabase db, String type) {
        try (Connection connection = db.connect()) {
            return insertTransaction(connection, type, 1, "{\"n\": 1}").get(0);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
