package dev.outboxcdc.relay.offsets;

import dev.outboxcdc.relay.config.TableName;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
 * <p>{@link #set} writes the offsets in one transaction and only then makes them visible in memory
 * and completes the future: the engine moves the slot's confirmed LSN only after that commit. A write
 * that fails (the database restarting, a lost connection, a refused statement) is retried a few times
 * within {@link #RETRY_WINDOW}; when it still fails, the future fails and {@link OffsetWriteStatus} says
 * so, and the batch handler stops the engine before anything more is published (the supervisor starts
 * it again once offsets can be written). So a crash republishes at most what was published since the
 * last stored offset, and a database that shuts down is never held up by a relay that stopped reading.
 * All database work runs on the store's single executor thread.
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

    private static final Logger log = LoggerFactory.getLogger(PostgresOffsetBackingStore.class);
    /** How long a failing write is retried before the engine is stopped. */
    static final Duration RETRY_WINDOW = Duration.ofSeconds(2);

    private static final Duration FIRST_RETRY = Duration.ofMillis(100);

    private final CountDownLatch stopping = new CountDownLatch(1);
    private OffsetWriteStatus status;

    private String url;
    private Properties connectionProperties;
    private TableName table;
    private Connection connection;

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        Map<String, String> props = config.originalsStrings();
        url = require(props, URL);
        table = TableName.parse(require(props, TABLE));
        connectionProperties = new Properties();
        connectionProperties.setProperty("user", require(props, USER));
        String password = props.getOrDefault(PASSWORD, "");
        if (!password.isEmpty()) {
            connectionProperties.setProperty("password", password);
        }
        connectionProperties.setProperty("sslmode", props.getOrDefault(SSLMODE, "prefer"));
        if (props.containsKey(SSLROOTCERT)) {
            connectionProperties.setProperty("sslrootcert", props.get(SSLROOTCERT));
        }
        status = OffsetWriteStatus.lookup(props.get(OffsetWriteStatus.KEY));
        connectionProperties.setProperty("ApplicationName", "cdc-relay-offsets");
        connectionProperties.setProperty("connectTimeout", "10");
        connectionProperties.setProperty("socketTimeout", "60");
    }

    @Override
    public synchronized void start() {
        super.start();
        try {
            Map<ByteBuffer, ByteBuffer> loaded = new HashMap<>();
            try (Statement statement = connection().createStatement();
                    ResultSet rs = statement.executeQuery(OffsetTable.selectAll(table))) {
                while (rs.next()) {
                    loaded.put(bytes(rs.getString(1)), bytes(rs.getString(2)));
                }
            }
            data.putAll(loaded);
            log.debug("Loaded {} offset(s) from {}", loaded.size(), table);
        } catch (SQLException e) {
            closeConnection();
            throw new ConnectException("cannot read offsets from " + table, e);
        }
    }

    @Override
    public void stop() {
        stopping.countDown();
        super.stop();
        closeConnection();
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
                Object parsed = converter.toConnectData("", toArray(key)).value();
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
                persist(values);
                status.stored();
                return;
            } catch (SQLException e) {
                closeConnection();
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

    private synchronized void persist(Map<ByteBuffer, ByteBuffer> values) throws SQLException {
        Connection db = connection();
        db.setAutoCommit(false);
        try (Statement asynchronous = db.createStatement()) {
            // The offset is written after every batch. Not waiting for its WAL flush saves a disk sync per
            // batch; a database crash can only lose the newest offsets, so more is republished, nothing lost.
            asynchronous.execute("SET LOCAL synchronous_commit TO off");
        }
        try (PreparedStatement upsert = db.prepareStatement(OffsetTable.upsert(table));
                PreparedStatement delete = db.prepareStatement(OffsetTable.delete(table))) {
            for (Map.Entry<ByteBuffer, ByteBuffer> entry : values.entrySet()) {
                if (entry.getValue() == null) {
                    delete.setString(1, text(entry.getKey()));
                    delete.executeUpdate();
                } else {
                    upsert.setString(1, text(entry.getKey()));
                    upsert.setString(2, text(entry.getValue()));
                    upsert.executeUpdate();
                }
            }
            db.commit();
        } catch (SQLException e) {
            try {
                db.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(url, connectionProperties);
        }
        return connection;
    }

    private synchronized void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("Closing the offset connection failed", e);
            }
            connection = null;
        }
    }

    private static String require(Map<String, String> props, String key) {
        String value = props.get(key);
        if (value == null || value.isBlank()) {
            throw new ConnectException("missing engine property " + key);
        }
        return value;
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] toArray(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] array = new byte[copy.remaining()];
        copy.get(array);
        return array;
    }

    private static String text(ByteBuffer buffer) {
        return new String(toArray(buffer), StandardCharsets.UTF_8);
    }
}
