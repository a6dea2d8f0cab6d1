package dev.outboxcdc.relay.health;

import dev.outboxcdc.relay.config.OutboxProperties;
import dev.outboxcdc.relay.db.PgConnections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the slot's retained WAL from {@code pg_replication_slots} periodically, for the slot lag gauge. */
public final class SlotLagMonitor {

    private static final Logger log = LoggerFactory.getLogger(SlotLagMonitor.class);
    private static final String LAG = """
            SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint
            FROM pg_replication_slots WHERE slot_name = ?""";

    private final OutboxProperties config;
    private final PgConnections connections;
    private final RelayMetrics metrics;
    private ScheduledExecutorService executor;
    private Connection connection;

    /** Creates the monitor; it reads over connections of {@code connections}. */
    public SlotLagMonitor(OutboxProperties config, PgConnections connections, RelayMetrics metrics) {
        this.config = config;
        this.connections = connections;
        this.metrics = metrics;
    }

    /** Starts reading every heartbeat interval. */
    public synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "outbox-relay-slot-lag");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(1000, Math.min(config.heartbeatInterval().toMillis(), 15_000));
        executor.scheduleWithFixedDelay(this::read, 0, period, TimeUnit.MILLISECONDS);
    }

    /** Stops reading. */
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
        }
        close();
    }

    private void read() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = connections.open();
            }
            try (PreparedStatement statement = connection.prepareStatement(LAG)) {
                statement.setString(1, config.slot());
                try (ResultSet rs = statement.executeQuery()) {
                    metrics.slotLagBytes(rs.next() && rs.getObject(1) != null ? rs.getLong(1) : -1);
                }
            }
        } catch (SQLException e) {
            log.debug("Cannot read the lag of slot {}: {}", config.slot(), e.getMessage());
            metrics.slotLagBytes(-1);
            close();
        }
    }

    private void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("Closing the slot lag connection failed", e);
            }
            connection = null;
        }
    }
}
