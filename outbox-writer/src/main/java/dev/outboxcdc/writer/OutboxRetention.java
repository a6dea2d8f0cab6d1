package dev.outboxcdc.writer;

import dev.outboxcdc.envelope.BatchedDelete;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Deletes old outbox rows in bounded batches, each batch its own short transaction, so retention
 * never holds long locks nor writes one huge transaction.
 *
 * <p>Under CDC a row is published from the WAL, not from the table: deleting a row, even an
 * unpublished one, does not stop its publication once it committed. The age only has to exceed the
 * time your operators want rows kept for inspection, and, while migrating from a polling relay,
 * the time until cdc-relay's first start (its first start publishes rows still {@code PENDING}).
 */
public final class OutboxRetention {

    /** Rows deleted per batch unless configured otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 1000;

    private static final String DELETE_BATCH = """
            DELETE FROM %1$s WHERE id IN (
              SELECT id FROM %1$s WHERE created_at < now() - ?::interval ORDER BY created_at LIMIT ?)""";

    private final SqlTable table;
    private final int batchSize;

    /**
     * Creates a retention job.
     *
     * @param table     the outbox table, {@code table} or {@code schema.table}
     * @param batchSize rows deleted per transaction, at least 1
     */
    public OutboxRetention(String table, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        this.table = SqlTable.parse("table", table);
        this.batchSize = batchSize;
    }

    /**
     * Deletes every row whose {@code created_at} is older than {@code age}, a batch per transaction.
     *
     * @param connection a connection in auto-commit mode (each batch commits by itself)
     * @return the number of rows deleted
     */
    public long deleteOlderThan(Connection connection, Duration age) {
        if (age == null || age.isNegative()) {
            throw new IllegalArgumentException("age must be zero or positive, was " + age);
        }
        try {
            return BatchedDelete.olderThan(
                    connection, "retention", DELETE_BATCH.formatted(table.quoted()), age, batchSize);
        } catch (SQLException e) {
            throw new OutboxWriteException("retention of outbox table " + table + " failed: " + e.getMessage(), e);
        }
    }
}
