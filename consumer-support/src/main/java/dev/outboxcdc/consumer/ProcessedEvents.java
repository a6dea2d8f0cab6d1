package dev.outboxcdc.consumer;

import dev.outboxcdc.envelope.BatchedDelete;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

/**
 * The idempotency records in {@code processed_events (consumer, event_id, processed_at)}: one row
 * per consumer and event, written in the transaction of the event's effect.
 */
public final class ProcessedEvents {

    /** The table's name. */
    public static final String TABLE = "processed_events";
    /** A {@code batchSize} for {@link #deleteOlderThan}: the one the Spring Boot pruner uses. */
    public static final int DEFAULT_PRUNE_BATCH = 1000;

    private static final String RECORD = """
            INSERT INTO processed_events (consumer, event_id, processed_at) VALUES (?, ?, now())
            ON CONFLICT (consumer, event_id) DO NOTHING""";
    private static final String PRUNE_BATCH = """
            DELETE FROM processed_events WHERE ctid IN (
              SELECT ctid FROM processed_events WHERE processed_at < now() - ?::interval LIMIT ?)""";

    private ProcessedEvents() {}

    /**
     * Records that {@code consumer} processed {@code eventId}, in the connection's transaction.
     * Never select-then-insert: a concurrent delivery of the same event waits on the primary key
     * and then finds the row.
     *
     * @return true when this is the first record (run the handler), false for a duplicate
     */
    static boolean recordFirst(Connection connection, String consumer, UUID eventId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(RECORD)) {
            insert.setString(1, consumer);
            insert.setObject(2, eventId);
            return insert.executeUpdate() == 1;
        }
    }

    /**
     * Deletes records older than {@code retention}, {@code batchSize} rows per transaction. Keep the
     * retention well above the longest time an event can be redelivered (retries, DLQ replays).
     *
     * @param connection a connection in auto-commit mode
     * @return the number of rows deleted
     */
    public static long deleteOlderThan(Connection connection, Duration retention, int batchSize) throws SQLException {
        return BatchedDelete.olderThan(connection, "pruning", PRUNE_BATCH, retention, batchSize);
    }
}
