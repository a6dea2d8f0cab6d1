package dev.outboxcdc.relay.offsets;

import dev.outboxcdc.relay.config.TableName;
import dev.outboxcdc.relay.db.PgConnections;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;
import org.apache.kafka.connect.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium offset store over one PostgreSQL table, so a relay keeps no local state and a restarted
 * container resumes where the last one stopped.
 *
 * <p>The engine calls {@link #set} when a batch finishes and {@code outbox.offset-commit-interval} (Debezium's
 * {@code offset.flush.interval.ms}, 100 ms by default) has passed since the last write: not after every batch, so a
 * crash republishes at most that long's events plus the batch in flight.
 *
 * <p>{@link #set} writes the offsets in one transaction and only then makes them visible in memory
 * and completes the future: the engine moves the slot's confirmed LSN only after that commit. A write
 * that fails (the database restarting, a lost connection, a refused statement) is retried a few times
 * within {@link #RETRY_WINDOW}; when it still fails, the future fails and {@link OffsetWriteStatus} says
 * so, and the batch handler stops the engine before anything more is published (the supervisor starts
 * it again once offsets can be written). So a crash republishes at most what was published since the
 * last stored offset, and a database that shuts down is never held up by a relay that stopped reading.
 * The offsets are read once, at start; writes run on the store's single executor thread, through
 * {@link OffsetDatabase}.
 */
public class PostgresOffsetBackingStore extends MemoryOffsetBackingStore {

    /** Engine property: JDBC URL of the offset database. */
    public static final String URL = "outbox.offsets.jdbc.url";
    /** Engine property: user. */
    public static final String USER = "outbox.offsets.jdbc.user";
    /** Engine property: password. */
    public static final String PASSWORD = "outbox.offsets.jdbc.password";
    /** Engine property: sslmode. */
    public static final String SSLMODE = "outbox.offsets.jdbc.sslmode";
    /** Engine property: sslrootcert (optional). */
    public static final String SSLROOTCERT = "outbox.offsets.jdbc.sslrootcert";
    /** Engine property: {@code schema.table} of the offset table. */
    public static final String TABLE = "outbox.offsets.table";

    /** {@code application_name} of the store's session, visible in {@code pg_stat_activity}. */
    static final String APPLICATION_NAME = "cdc-relay-offsets";

    private static final Logger log = LoggerFactory.getLogger(PostgresOffsetBackingStore.class);
    /** How long a failing write is retried before the engine is stopped. */
    static final Duration RETRY_WINDOW = Duration.ofSeconds(2);

    private static final Duration FIRST_RETRY = Duration.ofMillis(100);

    private final CountDownLatch stopping = new CountDownLatch(1);
    private OffsetWriteStatus status;
    private TableName table;
    private OffsetDatabase database;

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        Map<String, String> props = config.originalsStrings();
        table = TableName.parse(require(props, TABLE));
        database = new OffsetDatabase(
                require(props, URL),
                PgConnections.connectionProperties(
                        require(props, USER),
                        props.getOrDefault(PASSWORD, ""),
                        props.getOrDefault(SSLMODE, "prefer"),
                        props.getOrDefault(SSLROOTCERT, ""),
                        APPLICATION_NAME),
                table);
        status = OffsetWriteStatus.lookup(props.get(OffsetWriteStatus.KEY));
    }

    @Override
    public synchronized void start() {
        super.start();
        try {
            Map<ByteBuffer, ByteBuffer> loaded = database.readAll();
            data.putAll(loaded);
            log.debug("Loaded {} offset(s) from {}", loaded.size(), table);
        } catch (SQLException e) {
            database.close();
            throw new ConnectException("cannot read offsets from " + table, e);
        }
    }

    @Override
    public void stop() {
        stopping.countDown();
        super.stop();
        database.close();
    }

    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        return executor.submit(() -> {
            try {
                persistWithRetries(values);
            } catch (ConnectException failure) {
                if (callback != null) {
                    callback.onCompletion(failure, null);
                }
                throw failure;
            }
            values.forEach((key, value) -> {
                if (value == null) {
                    data.remove(key);
                } else {
                    data.put(key, value);
                }
            });
            if (callback != null) {
                callback.onCompletion(null, null);
            }
            return null;
        });
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        Set<Map<String, Object>> partitions = new HashSet<>();
        try (JsonConverter converter = new JsonConverter()) {
            converter.configure(Map.of("schemas.enable", "false"), true);
            for (ByteBuffer key : new HashSet<>(data.keySet())) {
                Object parsed =
                        converter.toConnectData("", OffsetDatabase.toArray(key)).value();
                if (parsed instanceof List<?> parts
                        && parts.size() == 2
                        && connectorName.equals(parts.get(0))
                        && parts.get(1) instanceof Map<?, ?> partition) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> typed = (Map<String, Object>) partition;
                    partitions.add(typed);
                }
            }
        }
        return partitions;
    }

    /** Writes {@code values}, retrying with backoff within {@link #RETRY_WINDOW}; gives up early when the store stops. */
    private void persistWithRetries(Map<ByteBuffer, ByteBuffer> values) {
        status.writing();
        long deadline = System.nanoTime() + RETRY_WINDOW.toNanos();
        Duration wait = FIRST_RETRY;
        while (true) {
            try {
                database.write(values);
                status.stored();
                return;
            } catch (SQLException e) {
                database.close();
                if (System.nanoTime() + wait.toNanos() - deadline > 0 || awaitStop(wait)) {
                    String reason = "cannot store offsets in " + table + ": " + e.getMessage();
                    status.failed(reason);
                    throw new ConnectException(reason, e);
                }
                wait = wait.multipliedBy(2);
            }
        }
    }

    private boolean awaitStop(Duration wait) {
        try {
            return stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static String require(Map<String, String> props, String key) {
        String value = props.get(key);
        if (value == null || value.isBlank()) {
            throw new ConnectException("missing engine property " + key);
        }
        return value;
    }
}
