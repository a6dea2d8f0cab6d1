package dev.outboxcdc.relay.engine;

import dev.outboxcdc.relay.db.Lease;
import dev.outboxcdc.relay.retry.StopSignal;
import java.util.concurrent.atomic.AtomicInteger;

/** A lease in memory: another relay holds it until {@link #release()}; {@link #lose()} ends this relay's hold. */
final class FakeLease implements Lease {

    private volatile boolean heldByAnother;
    private volatile boolean held;
    private volatile boolean slotReleased = true;
    private final AtomicInteger acquisitions = new AtomicInteger();

    /** Another relay holds the lease from now on. */
    FakeLease takenByAnother() {
        heldByAnother = true;
        return this;
    }

    /** The other relay stopped: the lease is free. */
    void release() {
        heldByAnother = false;
    }

    /** This relay's session ended (its connection went silent): the lease is no longer held. */
    void lose() {
        held = false;
    }

    /** {@link #awaitSlotReleased} reports that the relay is stopping. */
    FakeLease stoppingWhileTheSlotIsBusy() {
        slotReleased = false;
        return this;
    }

    /** How often this relay took the lease. */
    int acquisitions() {
        return acquisitions.get();
    }

    @Override
    public boolean tryAcquire() {
        if (held) {
            return true;
        }
        if (heldByAnother) {
            return false;
        }
        held = true;
        acquisitions.incrementAndGet();
        return true;
    }

    @Override
    public boolean awaitSlotReleased(StopSignal stop) {
        return slotReleased;
    }

    @Override
    public boolean isHeld() {
        return held;
    }

    @Override
    public void close() {
        held = false;
    }
}
