package dev.outboxcdc.relay.engine;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Checks, every {@code interval} (a fifth of {@code outbox.lease-timeout}), that the relay still holds its lease
 * while the engine runs, and reports the loss once: a relay cut off from PostgreSQL stops streaming before its lease
 * can pass to a standby. Each watch checks on a daemon thread of its own.
 */
final class LeaseWatchdog {

    /** A running watch; closing it stops the checks. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    private final BooleanSupplier held;
    private final Duration interval;

    /** A watchdog asking {@code held} every {@code interval}. */
    LeaseWatchdog(BooleanSupplier held, Duration interval) {
        this.held = held;
        this.interval = interval;
    }

    /**
     * Starts watching: runs {@code onLost} once, on the watchdog's thread, the first time the lease is not held.
     *
     * @return stops watching when closed
     */
    Watch watch(Runnable onLost) {
        ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "outbox-relay-lease");
            thread.setDaemon(true);
            return thread;
        });
        checks.scheduleWithFixedDelay(
                () -> {
                    if (!held.getAsBoolean()) {
                        checks.shutdown(); // once
                        onLost.run();
                    }
                },
                interval.toMillis(),
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return checks::shutdownNow;
    }
}
