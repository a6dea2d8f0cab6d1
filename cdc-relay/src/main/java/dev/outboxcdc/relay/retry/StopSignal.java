package dev.outboxcdc.relay.retry;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Set once when the relay begins to stop; waits between retries end as soon as it is set. Thread-safe. */
public final class StopSignal {

    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Signals every waiter that the relay is stopping. */
    public void stop() {
        stopped.countDown();
    }

    /** Whether stopping has begun. */
    public boolean isStopping() {
        return stopped.getCount() == 0;
    }

    /**
     * Waits up to {@code wait}, ending early when stopping begins.
     *
     * @return true when the relay is stopping
     */
    public boolean await(Duration wait) {
        try {
            return stopped.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
