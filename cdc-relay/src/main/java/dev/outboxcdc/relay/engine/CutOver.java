package dev.outboxcdc.relay.engine;

import dev.outboxcdc.relay.config.OutboxProperties;
import dev.outboxcdc.relay.config.TableName;
import dev.outboxcdc.relay.db.CutOverTable;
import dev.outboxcdc.relay.db.OffsetTable;
import dev.outboxcdc.relay.db.OutboxTableInfo;
import dev.outboxcdc.relay.db.PgConnections;
import dev.outboxcdc.relay.envelope.MessageFactory;
import dev.outboxcdc.relay.envelope.OutboxRowReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cut-over from the polling relay, run before the engine starts: on the first start on an outbox
 * table, the rows still {@code PENDING} are published once, then streaming begins at the slot.
 *
 * <p>Order of work, so that a crash at any step leaves no gap: (1) the slot is created if missing, so
 * every transaction committing from then on is in the stream; (2) the {@code PENDING} rows are read in
 * one snapshot, in {@code created_at, id} order, and published with confirms, in batches capped in bytes;
 * (3) the cut-over is recorded in {@code outbox.cutover-table}; only then (4) the engine streams from the
 * slot's confirmed position, which has not moved since (1). A crash before (3) repeats (2) at the next
 * start (duplicates, never a gap); rows committed between (1) and (2) are published twice. Once
 * recorded, no later start publishes the retained table again, whatever happened to the offsets or the
 * slot. A table whose offsets are already stored (cut over before this record existed) is recorded
 * without publishing anything.
 */
final class CutOver {

    private static final Logger log = LoggerFactory.getLogger(CutOver.class);
    private static final int MAX_FETCH_ROWS = 1000;
    private static final String DUPLICATE_OBJECT = "42710";

    private final OutboxProperties config;
    private final PgConnections connections;
    private final MessageFactory messages;
    private final Batches batches;

    CutOver(OutboxProperties config, PgConnections connections, MessageFactory messages, Batches batches) {
        this.config = config;
        this.connections = connections;
        this.messages = messages;
        this.batches = batches;
    }

    /** Cuts {@code table} over unless it was already; returns once the cut-over is recorded. */
    void ensure(OutboxTableInfo table) throws SQLException {
        TableName outbox = table.table();
        try (Connection connection = connections.open()) {
            if (CutOverTable.isCutOver(connection, config.cutoverTableName(), outbox)) {
                return;
            }
            if (OffsetTable.hasOffsets(
                    connection, config.offsetTableName(), DebeziumConfig.engineName(config.slot()))) {
                CutOverTable.record(connection, config.cutoverTableName(), outbox, config.slot(), 0);
                log.info("Recorded the cut-over of {}: offsets of slot {} were already stored", outbox, config.slot());
                return;
            }
            createSlotIfMissing(connection);
            long published = 0;
            if (!config.publishPending()) {
                log.info(
                        "First start on {}: outbox.publish-pending is false, leftover PENDING rows are not published",
                        outbox);
            } else if (!table.hasStatus()) {
                log.info(
                        "First start on {}: the table has no status column, there are no PENDING rows to publish",
                        outbox);
            } else {
                published = publishPending(outbox);
            }
            CutOverTable.record(connection, config.cutoverTableName(), outbox, config.slot(), published);
            log.info(
                    "Cut over {} to change data capture: published {} PENDING row(s); streaming from slot {}",
                    outbox,
                    published,
                    config.slot());
        }
    }

    private void createSlotIfMissing(Connection connection) throws SQLException {
        try (PreparedStatement create =
                connection.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')"
                        + " WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)")) {
            create.setString(1, config.slot());
            create.setString(2, config.slot());
            try (ResultSet rs = create.executeQuery()) {
                if (rs.next()) {
                    log.info("Created replication slot {}: the stream starts here", config.slot());
                }
            }
        } catch (SQLException e) {
            if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    private long publishPending(TableName outbox) throws SQLException {
        try (Connection connection = connections.open()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            long rows;
            long largestRow;
            try (Statement statement = connection.createStatement();
                    ResultSet rs =
                            statement.executeQuery("SELECT count(*), coalesce(max(octet_length(t::text)), 0) FROM "
                                    + outbox.quoted() + " t WHERE status = 'PENDING'")) {
                rs.next();
                rows = rs.getLong(1);
                largestRow = rs.getLong(2);
            }
            if (rows == 0) {
                connection.commit();
                return 0;
            }
            // Fetched in pieces no larger than a publish batch: a table of large payloads fits the heap.
            int fetchSize = (int)
                    Math.max(1, Math.min(MAX_FETCH_ROWS, config.maxBatchBytes().toBytes() / Math.max(1, largestRow)));
            log.info("First start on {}: publishing {} PENDING row(s) in created_at order", outbox, rows);
            MessageBatch batch = batches.open();
            long published = 0;
            try (Statement statement = connection.createStatement()) {
                statement.setFetchSize(fetchSize);
                try (ResultSet rs = statement.executeQuery(
                        "SELECT * FROM " + outbox.quoted() + " WHERE status = 'PENDING' ORDER BY created_at, id")) {
                    while (rs.next()) {
                        batch.add(messages.toMessage(OutboxRowReader.read(rs)));
                        published++;
                    }
                }
            }
            batch.flush();
            connection.commit();
            return published;
        }
    }
}
