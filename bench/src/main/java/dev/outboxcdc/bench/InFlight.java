package dev.outboxcdc.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The deliveries a hand-written consumer is handling, so that stopping it waits for them: a delivery
 * still running after the stop (e.g. waiting for a pool connection while PostgreSQL restarts) would
 * otherwise write into the next drain's tables.
 */
final class InFlight {

    private int running;
    private boolean stopped;

    /** Returns false once stopped: then the delivery is left to the broker, which redelivers it. */
    synchronized boolean enter() {
        if (stopped) {
            return false;
        }
        running++;
        return true;
    }

    synchronized void exit() {
        running--;
        notifyAll();
    }

    /** Refuses new deliveries and waits until the running ones are done. */
    synchronized void stopAndAwait(Duration timeout) throws InterruptedException {
        stopped = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException(
                        running + " deliveries were still being handled " + timeout + " after the stop");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }
}
