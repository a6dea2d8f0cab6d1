package dev.outboxcdc.relay.db;

import dev.outboxcdc.relay.retry.StopSignal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects the one active relay of a slot: a PostgreSQL session-level advisory lock keyed by the slot
 * name, held on a connection of its own for as long as the relay streams. A relay that cannot take
 * it is a standby. When the active relay dies its session ends and the lock is released; when its
 * host dies or its network is cut, the server ends the silent session after the lease timeout
 * ({@code idle_session_timeout}, see {@link LeaseTimeouts}), and the active relay, which checks the
 * session more often than that, has stopped streaming by then. (The slot itself, usable by one
 * walsender at a time, is the backstop.) Not thread-safe except {@link #isHeld()}.
 */
public final class SlotLease implements Lease {

    private static final Logger log = LoggerFactory.getLogger(SlotLease.class);
    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(hashtextextended(?, 0))";
    /** Applies the settings the server knows; returns their names. */
    private static final String APPLY_SETTINGS = """
            SELECT wanted.name, set_config(wanted.name, wanted.value, false)
            FROM (VALUES %s) AS wanted(name, value)
            WHERE wanted.name IN (SELECT name FROM pg_catalog.pg_settings)
            """;

    private static final String SLOT_WALSENDER =
            "SELECT active_pid FROM pg_catalog.pg_replication_slots WHERE slot_name = ? AND active_pid IS NOT NULL";
    private static final Duration SLOT_POLL = Duration.ofMillis(200);
    private static final AtomicBoolean warnedNoIdleSessionTimeout = new AtomicBoolean();

    private final PgConnections connections;
    private final String slot;
    private final LeaseTimeouts timeouts;
    private volatile Connection connection;

    /** A lease on {@code slot}, taken with connections of {@code connections}, expiring as {@code timeouts} say. */
    public SlotLease(PgConnections connections, String slot, LeaseTimeouts timeouts) {
        this.connections = connections;
        this.slot = slot;
        this.timeouts = timeouts;
    }

    @Override
    public boolean tryAcquire() throws SQLException {
        if (isHeld()) {
            return true;
        }
        close();
        Connection candidate = connections.open();
        try {
            applySessionSettings(candidate);
            try (PreparedStatement statement = candidate.prepareStatement(TRY_LOCK)) {
                statement.setString(1, "cdc-relay:" + slot);
                try (ResultSet rs = statement.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        connection = candidate;
                        return true;
                    }
                }
            }
        } catch (SQLException e) {
            candidate.close();
            throw e;
        }
        candidate.close();
        return false;
    }

    /**
     * After taking over, waits until the previous relay's walsender has left the slot, at most the
     * lease timeout (its {@code wal_sender_timeout}), so that the engine starts once, without
     * Debezium's own 10-second retries on a slot still in use.
     *
     * @return false when the relay is stopping
     */
    @Override
    public boolean awaitSlotReleased(StopSignal stop) throws SQLException {
        long deadline = System.nanoTime() + timeouts.lease().toNanos();
        boolean logged = false;
        while (true) {
            Integer pid = slotWalsender();
            if (pid == null) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                log.warn(
                        "Slot {} is still in use by walsender pid {} after {}; starting anyway",
                        slot,
                        pid,
                        timeouts.lease());
                return true;
            }
            if (!logged) {
                log.info(
                        "Slot {} is still in use by walsender pid {} of the previous relay; waiting up to {} for"
                                + " PostgreSQL to end it",
                        slot,
                        pid,
                        timeouts.lease());
                logged = true;
            }
            if (stop.await(SLOT_POLL)) {
                return false;
            }
        }
    }

    /** Whether the lease is still held: its session answers within the check timeout. Thread-safe. */
    @Override
    public boolean isHeld() {
        Connection current = connection;
        try {
            return current != null && current.isValid(timeouts.checkTimeoutSeconds());
        } catch (SQLException e) {
            return false;
        }
    }

    /** Releases the lease by ending its session. */
    @Override
    public void close() {
        Connection current = connection;
        connection = null;
        if (current != null) {
            try {
                current.close();
            } catch (SQLException e) {
                log.debug("Closing the lease connection of slot {} failed", slot, e);
            }
        }
    }

    private Integer slotWalsender() throws SQLException {
        Connection current = connection;
        if (current == null) {
            throw new SQLException("the lease on slot " + slot + " is not held", "08003");
        }
        try (PreparedStatement statement = current.prepareStatement(SLOT_WALSENDER)) {
            statement.setString(1, slot);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getInt(1) : null;
            }
        }
    }

    private void applySessionSettings(Connection candidate) throws SQLException {
        Map<String, String> wanted = timeouts.leaseSessionSettings();
        String rows = String.join(", ", java.util.Collections.nCopies(wanted.size(), "(?, ?)"));
        Set<String> applied = new HashSet<>();
        try (PreparedStatement statement = candidate.prepareStatement(APPLY_SETTINGS.formatted(rows))) {
            int index = 1;
            for (Map.Entry<String, String> setting : wanted.entrySet()) {
                statement.setString(index++, setting.getKey());
                statement.setString(index++, setting.getValue());
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    applied.add(rs.getString(1));
                }
            }
        }
        if (!applied.contains("idle_session_timeout") && warnedNoIdleSessionTimeout.compareAndSet(false, true)) {
            log.warn(
                    "PostgreSQL {} has no idle_session_timeout (it came with PostgreSQL {}): when the active relay's"
                            + " network goes silent, a standby takes over only once TCP keepalives give up on it, not within"
                            + " the lease timeout of {}",
                    connections.serverMajorVersion(),
                    LeaseTimeouts.IDLE_SESSION_TIMEOUT_SINCE,
                    timeouts.lease());
        }
    }
}
