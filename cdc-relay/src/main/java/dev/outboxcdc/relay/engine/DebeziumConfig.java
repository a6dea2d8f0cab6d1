package dev.outboxcdc.relay.engine;

import dev.outboxcdc.relay.config.OutboxProperties;
import dev.outboxcdc.relay.config.TableName;
import dev.outboxcdc.relay.db.LeaseTimeouts;
import dev.outboxcdc.relay.db.OutboxTableInfo;
import dev.outboxcdc.relay.db.PgConnections;
import dev.outboxcdc.relay.envelope.OutboxRowReader;
import dev.outboxcdc.relay.offsets.OffsetWriteStatus;
import dev.outboxcdc.relay.offsets.PostgresOffsetBackingStore;
import java.time.Duration;
import java.util.Properties;

/**
 * The one place that maps the relay's typed configuration to Debezium's string keys.
 *
 * <p>Chosen for latency and bounded duplicates rather than Debezium's defaults: {@code pgoutput}
 * instead of decoderbufs; a poll interval of a millisecond instead of 500 ms; offsets (and so the
 * slot's confirmed LSN) committed every {@code outbox.offset-commit-interval} (100 ms) instead of
 * every 60 s, so a crash republishes at most that long's events plus the batch in flight. Not after
 * every batch: storing offsets and moving the slot on the batch thread delayed the next batch by
 * milliseconds (the paced benchmark's p50 fell from ~13 ms to ~7 ms). Offsets only ever cover
 * confirmed events, whenever they are committed, and when they cannot be stored the engine stops
 * before more is published. The queue between the WAL reader and the publisher is capped in bytes as well as in
 * changes. No snapshot: see {@link CutOver}. Updates, deletes and truncates are skipped at the
 * source. Debezium's own retries are off: the relay's supervisor retries with its own backoff.
 */
final class DebeziumConfig {

    /** Debezium's topic prefix; records of the outbox table arrive on {@code outbox.<schema>.<table>}. */
    static final String TOPIC_PREFIX = "outbox";
    /** Prefix of the logical decoding messages the heartbeat emits. */
    static final String HEARTBEAT_MESSAGE_PREFIX = "outbox_relay_heartbeat";

    /** How long the batch thread waits for offsets to be stored before the relay stops the engine. */
    static final Duration OFFSET_WRITE_WAIT = Duration.ofSeconds(10);

    private DebeziumConfig() {}

    /** The engine's name for {@code slot}, which keys its offsets. */
    static String engineName(String slot) {
        return "cdc-relay-" + slot;
    }

    /** The topic the outbox table's records arrive on. */
    static String outboxTopic(TableName table) {
        return TOPIC_PREFIX + "." + table.qualified();
    }

    /** The engine properties for {@code config}; contains the database password, never log them. */
    static Properties engineProperties(
            OutboxProperties config, OutboxTableInfo table, PgConnections connections, String offsetStatusKey) {
        OutboxProperties.Db db = config.db();
        Properties p = new Properties();
        p.setProperty("name", engineName(config.slot()));
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("topic.prefix", TOPIC_PREFIX);

        p.setProperty("offset.storage", PostgresOffsetBackingStore.class.getName());
        p.setProperty(PostgresOffsetBackingStore.URL, connections.url());
        p.setProperty(PostgresOffsetBackingStore.USER, db.user());
        p.setProperty(PostgresOffsetBackingStore.PASSWORD, db.password());
        p.setProperty(PostgresOffsetBackingStore.SSLMODE, db.sslmode());
        p.setProperty(PostgresOffsetBackingStore.TABLE, config.offsetTableName().qualified());
        p.setProperty(
                "offset.flush.interval.ms",
                String.valueOf(config.offsetCommitInterval().toMillis()));
        // The batch thread waits for the offset write (retried by the store for a short while); when it failed
        // or is still hanging after this, OutboxChangeConsumer stops the engine before more is published.
        p.setProperty("offset.flush.timeout.ms", String.valueOf(OFFSET_WRITE_WAIT.toMillis()));
        p.setProperty(OffsetWriteStatus.KEY, offsetStatusKey);

        p.setProperty("database.hostname", db.host());
        p.setProperty("database.port", String.valueOf(db.port()));
        p.setProperty("database.user", db.user());
        p.setProperty("database.password", db.password());
        p.setProperty("database.dbname", db.name());
        p.setProperty("database.sslmode", db.sslmode());
        // Passed through to pgjdbc: server settings so that PostgreSQL ends a silent relay's walsender (see
        // LeaseTimeouts).
        p.setProperty(
                "database.options",
                new LeaseTimeouts(config.leaseTimeout()).replicationOptions(connections.serverMajorVersion()));
        if (!db.sslrootcert().isEmpty()) {
            p.setProperty("database.sslrootcert", db.sslrootcert());
            p.setProperty(PostgresOffsetBackingStore.SSLROOTCERT, db.sslrootcert());
        }

        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", config.slot());
        p.setProperty("publication.name", config.publication());
        p.setProperty("publication.autocreate.mode", "disabled");
        String tablePattern = table.table().schema() + "\\." + table.table().table();
        p.setProperty("table.include.list", tablePattern);
        // Only the columns the envelope is made of: Debezium converts every column it captures (status and
        // updated_at are timestamps and text it would format for nothing, on every row).
        p.setProperty("column.include.list", tablePattern + "\\.(" + String.join("|", OutboxRowReader.COLUMNS) + ")");
        p.setProperty("skipped.operations", "u,d,t");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("decimal.handling.mode", "string");

        // Never Debezium's snapshot: leftover PENDING rows are published by CutOver before the engine
        // starts, and the engine streams from the slot's confirmed position (or the stored offset).
        p.setProperty("snapshot.mode", "no_data");

        p.setProperty(
                "poll.interval.ms",
                String.valueOf(Math.max(1, config.pollInterval().toMillis())));
        p.setProperty("max.batch.size", String.valueOf(config.maxBatchSize()));
        p.setProperty("max.queue.size", String.valueOf(config.maxQueueSize()));
        p.setProperty(
                "max.queue.size.in.bytes", String.valueOf(config.maxQueueBytes().toBytes()));

        p.setProperty(
                "heartbeat.interval.ms",
                String.valueOf(config.heartbeatInterval().toMillis()));
        p.setProperty(
                "heartbeat.action.query",
                "SELECT pg_logical_emit_message(false, '" + HEARTBEAT_MESSAGE_PREFIX + "', '')");
        p.setProperty("message.prefix.include.list", HEARTBEAT_MESSAGE_PREFIX);

        p.setProperty("errors.max.retries", "0");
        // Debezium's latency statistics queue a measurement per event for a background thread and log a warning
        // per event when that queue is full (it is, under load); the relay measures commit-to-publish itself.
        p.setProperty("statistics.metrics.enabled", "false");
        return p;
    }
}
