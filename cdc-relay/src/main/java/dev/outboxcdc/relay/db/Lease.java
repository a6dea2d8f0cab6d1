package dev.outboxcdc.relay.db;

import dev.outboxcdc.relay.retry.StopSignal;
import java.sql.SQLException;

/**
 * The right to be the one active relay of a slot, as the relay's supervisor and engine runner use it; held by one
 * relay at a time. {@link SlotLease} implements it with a PostgreSQL advisory lock.
 */
public interface Lease extends AutoCloseable {

    /**
     * Takes the lease if no other relay holds it.
     *
     * @return true when this relay now holds it
     */
    boolean tryAcquire() throws SQLException;

    /**
     * After taking over, waits until the previous holder has left the slot.
     *
     * @return false when the relay is stopping
     */
    boolean awaitSlotReleased(StopSignal stop) throws SQLException;

    /** Whether the lease is still held. Thread-safe: the engine runner's watchdog calls it from its own thread. */
    boolean isHeld();

    /** Releases the lease, if held. */
    @Override
    void close();
}
