package dev.outboxcdc.envelope;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Deletes old rows a batch per transaction, so pruning a large table never holds one long
 * transaction or lock: the outbox table's retention and the consumers' {@code processed_events}
 * pruning share it.
 */
public final class BatchedDelete {

    private BatchedDelete() {}

    /**
     * Runs {@code deleteBatch} until a batch deletes fewer rows than {@code batchSize}.
     *
     * @param connection a connection in auto-commit mode (each batch commits by itself)
     * @param what what the deletion is, for the error message ("retention", "pruning")
     * @param deleteBatch a DELETE with two parameters: the age as a PostgreSQL interval text, the batch size
     * @param age rows older than this are deleted
     * @return the number of rows deleted
     * @throws IllegalStateException when the connection is not in auto-commit mode
     */
    public static long olderThan(Connection connection, String what, String deleteBatch, Duration age, int batchSize)
            throws SQLException {
        if (!connection.getAutoCommit()) {
            throw new IllegalStateException(
                    what + " commits each batch by itself: pass a connection in auto-commit mode");
        }
        long deleted = 0;
        try (PreparedStatement delete = connection.prepareStatement(deleteBatch)) {
            delete.setString(1, age.toMillis() + " milliseconds");
            delete.setInt(2, batchSize);
            int count;
            do {
                count = delete.executeUpdate();
                deleted += count;
            } while (count == batchSize);
        }
        return deleted;
    }
}
