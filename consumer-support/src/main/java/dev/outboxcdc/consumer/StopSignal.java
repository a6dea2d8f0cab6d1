package dev.outboxcdc.consumer;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Tells a consumer's threads whether it is stopping, and ends their {@linkplain #sleep waits} early when it stops.
 * Stopping until {@link #reset()}, so a consumer that was never started counts as stopping. Thread-safe.
 */
final class StopSignal implements Pause {

    private volatile CountDownLatch running = new CountDownLatch(0);

    /** The consumer starts: not stopping until {@link #stop()}. */
    void reset() {
        running = new CountDownLatch(1);
    }

    /** The consumer stops: ends every wait at once. */
    void stop() {
        running.countDown();
    }

    boolean stopping() {
        return running.getCount() == 0;
    }

    /** Waits {@code duration}; false at once, or as soon as the consumer stops (also when interrupted). */
    @Override
    public boolean sleep(Duration duration) {
        try {
            return !running.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
