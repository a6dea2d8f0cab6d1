package dev.outboxcdc.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * How late a thread that only sleeps 1 ms wakes up: the machine's own stalls (scheduling, the
 * kernel, the hypervisor) during a measurement. No relay can deliver faster than the machine lets
 * its threads run, so the table shows these next to the latencies.
 */
final class Stalls implements AutoCloseable {

    private final Thread thread;
    private volatile boolean running = true;
    private long[] overshootMicros = new long[1 << 14];
    private int count;

    private Stalls() {
        thread = new Thread(this::sleepAndMeasure, "outbox-bench-stalls");
        thread.setDaemon(true);
    }

    /** Starts measuring. */
    static Stalls measure() {
        Stalls stalls = new Stalls();
        stalls.thread.start();
        return stalls;
    }

    private void sleepAndMeasure() {
        while (running) {
            long before = System.nanoTime();
            try {
                TimeUnit.MILLISECONDS.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
            long overshoot = (System.nanoTime() - before) / 1_000 - 1_000;
            synchronized (this) {
                if (count == overshootMicros.length) {
                    overshootMicros = Arrays.copyOf(overshootMicros, count * 2);
                }
                overshootMicros[count++] = Math.max(0, overshoot);
            }
        }
    }

    /** Stops measuring and returns the wake-up delays' p99, p99.9 and maximum in milliseconds. */
    synchronized Results.Stall result() {
        running = false;
        if (count == 0) {
            return Results.Stall.NOT_RUN;
        }
        long[] sorted = Arrays.copyOf(overshootMicros, count);
        Arrays.sort(sorted);
        return new Results.Stall(percentile(sorted, 0.99), percentile(sorted, 0.999), sorted[count - 1] / 1000.0);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1))] / 1000.0;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
