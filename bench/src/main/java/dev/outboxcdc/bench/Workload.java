package dev.outboxcdc.bench;

import dev.outboxcdc.writer.OutboxEvent;
import dev.outboxcdc.writer.OutboxWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The writers: concurrent services inserting ~300-byte events in transactions of 10 rows with outbox-writer. */
final class Workload {

    static final int ROWS_PER_TRANSACTION = 10;
    /** About 300 bytes of JSON, like a typical domain event. */
    static final String PAYLOAD =
            "{\"employeeId\": \"6f1c2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b\", \"name\": \"Ada Lovelace\","
                    + " \"department\": \"Engineering\", \"salary\": 52000.50, \"currency\": \"EUR\", \"startDate\": \"2026-01-05\","
                    + " \"manager\": \"Charles Babbage\", \"location\": {\"city\": \"London\", \"site\": \"HQ\"},"
                    + " \"note\": \"benchmark payload padded to about three hundred bytes\"}";

    private final BenchOptions options;
    private final String database;
    private final OutboxWriter writer = OutboxWriter.builder().build();

    Workload(BenchOptions options, String database) {
        this.options = options;
        this.database = database;
    }

    /**
     * When a write started (the writers released, connected) and when its last transaction committed,
     * in {@link System#nanoTime()}.
     */
    record Written(long startNanos, long lastCommitNanos) {

        double seconds() {
            return Math.max(lastCommitNanos - startNanos, 1) / 1e9;
        }
    }

    /** Writes {@code events} as fast as the writers can. */
    Written writeAtFullSpeed(int events) throws Exception {
        return write(events, null, () -> {});
    }

    /**
     * Writes {@code events} at {@code perSecond}. The writers connect
     * before the pacing starts, so connection set-up (a TLS handshake each) is not measured as latency.
     */
    Written writePaced(int events, int perSecond) throws Exception {
        Semaphore permits = new Semaphore(0);
        var pacer = Executors.newSingleThreadScheduledExecutor();
        long periodMicros = 1_000_000L * ROWS_PER_TRANSACTION / perSecond;
        try {
            return write(
                    events,
                    permits,
                    () -> pacer.scheduleAtFixedRate(permits::release, 0, periodMicros, TimeUnit.MICROSECONDS));
        } finally {
            pacer.shutdownNow();
        }
    }

    /** Connects the writers, runs {@code whenConnected}, then writes. */
    private Written write(int events, Semaphore permits, Runnable whenConnected) throws Exception {
        int transactions = events / ROWS_PER_TRANSACTION;
        ExecutorService pool = Executors.newFixedThreadPool(options.writers());
        CountDownLatch connected = new CountDownLatch(options.writers());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        AtomicLong lastCommit = new AtomicLong(Long.MIN_VALUE);
        for (int w = 0; w < options.writers(); w++) {
            int share = transactions / options.writers() + (w < transactions % options.writers() ? 1 : 0);
            done.add(pool.submit(() -> {
                List<OutboxEvent> batch = new ArrayList<>();
                for (int i = 0; i < ROWS_PER_TRANSACTION; i++) {
                    batch.add(OutboxEvent.ofJson("bench.event", PAYLOAD));
                }
                try (Connection connection = DriverManager.getConnection(
                        options.jdbcUrl(database), options.pgUser(), options.pgPassword())) {
                    connection.setAutoCommit(false);
                    connected.countDown();
                    go.await();
                    for (int t = 0; t < share; t++) {
                        if (permits != null) {
                            permits.acquire();
                        }
                        writer.writeAll(connection, batch);
                        connection.commit();
                    }
                    lastCommit.accumulateAndGet(System.nanoTime(), Math::max);
                }
                return null;
            }));
        }
        try {
            if (!connected.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the writers did not connect within 60 s");
            }
            whenConnected.run();
            long start = System.nanoTime();
            go.countDown();
            for (Future<?> future : done) {
                future.get();
            }
            return new Written(start, lastCommit.get() == Long.MIN_VALUE ? start : lastCommit.get());
        } finally {
            go.countDown();
            pool.shutdownNow();
        }
    }
}
