package dev.outboxcdc.consumer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** Counts the deliveries a consumer's workers are handling, so that a stop can let them commit and ack. Thread-safe. */
final class InFlight {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final AtomicInteger count = new AtomicInteger();

    /** A worker starts handling a delivery. */
    void enter() {
        count.incrementAndGet();
    }

    /** A worker is done with a delivery, settled or not. */
    void exit() {
        count.decrementAndGet();
    }

    /**
     * Waits until no delivery is being handled, at most {@code timeout}.
     *
     * @return true when none is, false when some still were at the timeout
     */
    boolean awaitNone(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count.get() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(POLL_NANOS);
        }
        return count.get() == 0;
    }
}
