package dev.outboxcdc.relay.faults;

import dev.outboxcdc.relay.OutboxRows;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Concurrent writers inserting transactions of outbox rows until a target count is committed. A
 * writer whose transaction fails (the database restarting) reconnects and goes on; only committed
 * event ids are recorded, so a fault test can check that every committed event arrived.
 */
final class EventStream implements AutoCloseable {

    private final TestDatabase db;
    private final Set<String> committed = ConcurrentHashMap.newKeySet();
    private final ExecutorService writers;
    private final List<Future<?>> running = new ArrayList<>();
    private final Semaphore permits = new Semaphore(0);
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();

    private EventStream(TestDatabase db, int writerCount, int transactionsPerSecond) {
        this.db = db;
        this.writers = Executors.newFixedThreadPool(writerCount);
        // A token bucket: one permit per transaction, released at the given rate, so the stream lasts long
        // enough for faults to hit it while it flows.
        long periodMicros = 1_000_000L / transactionsPerSecond;
        pacer.scheduleAtFixedRate(
                () -> {
                    if (permits.availablePermits() < transactionsPerSecond) {
                        permits.release();
                    }
                },
                0,
                periodMicros,
                TimeUnit.MICROSECONDS);
    }

    /** Starts {@code writerCount} writers committing {@code total} events in transactions of {@code perTransaction}. */
    static EventStream start(TestDatabase db, int writerCount, int total, int perTransaction, String type) {
        return start(db, writerCount, total, perTransaction, type, 1_000_000);
    }

    /** As {@link #start(TestDatabase, int, int, int, String)}, at most {@code eventsPerSecond} in all. */
    static EventStream start(
            TestDatabase db, int writerCount, int total, int perTransaction, String type, int eventsPerSecond) {
        EventStream stream = new EventStream(db, writerCount, Math.max(1, eventsPerSecond / perTransaction));
        int transactionsPerWriter = total / writerCount / perTransaction;
        for (int w = 0; w < writerCount; w++) {
            stream.running.add(stream.writers.submit(() -> stream.write(transactionsPerWriter, perTransaction, type)));
        }
        return stream;
    }

    private Void write(int transactions, int perTransaction, String type) {
        int done = 0;
        while (done < transactions && !Thread.currentThread().isInterrupted()) {
            try (Connection connection = db.connect()) {
                while (done < transactions) {
                    permits.acquire();
                    committed.addAll(
                            OutboxRows.insertTransaction(connection, type, perTransaction, "{\"amount\": 12.50}"));
                    done++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (SQLException e) {
                // The transaction did not commit (database restarting): wait until it answers again.
                Awaitility.await("database back")
                        .atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(200))
                        .ignoreExceptions()
                        .until(() -> {
                            try (Connection probe = db.connect()) {
                                return probe.isValid(2);
                            }
                        });
            }
        }
        return null;
    }

    int committedCount() {
        return committed.size();
    }

    /** Waits for the writers to finish; returns the committed event ids. */
    Set<String> awaitWritten(Duration timeout) throws Exception {
        for (Future<?> future : running) {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        return new HashSet<>(committed);
    }

    /** Waits until {@code queue} received every committed event; returns the number of duplicates. */
    static long awaitAllDelivered(TestQueue queue, Set<String> committed, Duration timeout) {
        Awaitility.await("every committed event received")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> new HashSet<>(queue.messageIds()).containsAll(committed));
        List<String> received = queue.messageIds();
        return received.size() - new HashSet<>(received).size();
    }

    @Override
    public void close() {
        pacer.shutdownNow();
        writers.shutdownNow();
    }
}
