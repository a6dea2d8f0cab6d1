package dev.outboxcdc.relay.engine;

import dev.outboxcdc.relay.db.Lease;
import dev.outboxcdc.relay.retry.StopSignal;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Decides whether this relay streams from its slot or waits as a standby: the relay holding the slot's
 * {@link Lease} is the active one, every other one is a standby that tries again every
 * {@code outbox.standby-retry-interval}. Used by the supervisor's thread; {@link #isLeading()} also by the engine
 * runner's lease watchdog.
 */
final class StandbyElection {

    /** The result of one round of the election. */
    enum Result {
        /** This relay holds the lease and the previous holder has left the slot: stream. */
        ACTIVE,
        /** Another relay holds the lease: wait {@link #retryInterval()} and try again. */
        STANDBY,
        /** The relay began to stop while waiting for the slot. */
        STOPPING
    }

    private final Lease lease;
    private final String slot;
    private final Duration retryInterval;

    StandbyElection(Lease lease, String slot, Duration retryInterval) {
        this.lease = lease;
        this.slot = slot;
        this.retryInterval = retryInterval;
    }

    /** One round: takes the lease if it is free, then waits until the previous active relay has left the slot. */
    Result contend(StopSignal stop) throws SQLException {
        if (!lease.tryAcquire()) {
            return Result.STANDBY;
        }
        return lease.awaitSlotReleased(stop) ? Result.ACTIVE : Result.STOPPING;
    }

    /** Whether this relay still holds the lease. Thread-safe. */
    boolean isLeading() {
        return lease.isHeld();
    }

    /** Gives the lease up (a standby may take over); nothing happens when it is not held. */
    void resign() {
        lease.close();
    }

    /** How long a standby waits before the next round. */
    Duration retryInterval() {
        return retryInterval;
    }

    /** Why this relay is a standby, for the health endpoint and the log. */
    String standbyReason() {
        return "another relay streams from slot " + slot + "; taking over when it stops (checking every "
                + retryInterval.toMillis() + " ms)";
    }
}
