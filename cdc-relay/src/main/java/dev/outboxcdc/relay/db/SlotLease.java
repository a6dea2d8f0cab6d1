package dev.outboxcdc.relay.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects the one active relay of a slot: a PostgreSQL session-level advisory lock keyed by the slot
 * name, held on a connection of its own for as long as the relay streams. A relay that cannot take
 * it is a standby; when the active relay dies, its session ends, the lock is released and a standby
 * takes it. (The slot itself, usable by one walsender at a time, is the backstop.) Not thread-safe
 * except {@link #isHeld()}.
 */
public final class SlotLease implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SlotLease.class);
    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(hashtextextended(?, 0))";

    private final PgConnections connections;
    private final String slot;
    private volatile Connection connection;

    /** A lease on {@code slot}, taken with connections of {@code connections}. */
    public SlotLease(PgConnections connections, String slot) {
        this.connections = connections;
        this.slot = slot;
    }

    /**
     * Takes the lease if no other relay holds it.
     *
     * @return true when this relay now holds it
     */
    public boolean tryAcquire() throws SQLException {
        if (isHeld()) {
            return true;
        }
        close();
        Connection candidate = connections.open();
        try (PreparedStatement statement = candidate.prepareStatement(TRY_LOCK)) {
            statement.setString(1, "cdc-relay:" + slot);
            try (ResultSet rs = statement.executeQuery()) {
                if (rs.next() && rs.getBoolean(1)) {
                    connection = candidate;
                    return true;
                }
            }
        } catch (SQLException e) {
            candidate.close();
            throw e;
        }
        candidate.close();
        return false;
    }

    /** Whether the lease is still held: its session is alive. Thread-safe. */
    public boolean isHeld() {
        Connection current = connection;
        try {
            return current != null && current.isValid(5);
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
}
