package dev.outboxcdc.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts the deliveries a consumer under test has finished (committed and acked), notes when the first
 * and the last finished and which threads finished them, and carries the first failure. Thread-safe:
 * workers call {@link #done()}.
 */
final class Progress {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final int expected;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile long firstNanos;
    private volatile long lastNanos;
    private final Set<Long> workers = ConcurrentHashMap.newKeySet();

    Progress(int expected) {
        this.expected = expected;
    }

    /** One delivery is settled: its effect committed and the broker told. */
    void done() {
        long now = System.nanoTime();
        workers.add(Thread.currentThread().getId());
        int count = done.incrementAndGet();
        if (count == 1) {
            firstNanos = now;
        }
        if (count == expected) {
            lastNanos = now;
            finished.countDown();
        }
    }

    /** The consumer cannot finish: {@link #await} throws at once. */
    void fail(Throwable cause) {
        failure.compareAndSet(null, cause);
        finished.countDown();
    }

    /**
     * Waits until every expected delivery is done; returns the rate between the first and the last, in
     * deliveries per second.
     */
    double await(Duration timeout) throws InterruptedException {
        boolean inTime = finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        Throwable cause = failure.get();
        if (cause != null) {
            throw new IllegalStateException(
                    "the consumer failed after " + done.get() + " of " + expected + " deliveries: " + cause, cause);
        }
        if (!inTime) {
            throw new IllegalStateException(
                    "only " + done.get() + " of " + expected + " deliveries were done within " + timeout);
        }
        return expected / (Math.max(lastNanos - firstNanos, 1) / 1e9);
    }

    /**
     * The CPU time (user and system) the threads that settled deliveries have used so far, in nanoseconds.
     * Each consumer under test has threads of its own, started with it, so this is what its handling cost.
     */
    long workerCpuNanos() {
        return workers.stream()
                .mapToLong(THREADS::getThreadCpuTime)
                .filter(t -> t > 0)
                .sum();
    }
}
