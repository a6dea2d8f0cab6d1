package dev.outboxcdc.bench;

import com.rabbitmq.client.ConnectionFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The consumer phase: how fast consumer-support drains a pre-filled queue next to a hand-written consumer
 * doing the same work and next to the broker's own delivery rate. Each drain gets a fresh queue of
 * envelopes and empty tables; the consumers run one at a time, interleaved in rounds (the order rotated
 * each round) after a warm-up, all on one HikariCP pool. After each drain the effects and the
 * processed_events records must number exactly the events, and the queue must be empty.
 */
final class ConsumerBench {

    /** The consumer name every consumer records in processed_events. */
    static final String CONSUMER = "bench";
    /** consumer-support's default prefetch ({@code Subscription.to(…)}): the hand-written one uses it too. */
    static final int DEFAULT_PREFETCH = 10;
    /** What a hand-written consumer would pick by itself: Spring AMQP's default prefetch. */
    static final int NATURAL_PREFETCH = 250;
    /** The pool both consumers share: large enough for the most workers measured. */
    static final int POOL_SIZE = 4;

    private static final com.sun.management.OperatingSystemMXBean CPU =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final BenchOptions options;
    private final ConsumerPhaseOptions phase;
    private final ConnectionFactory factory;
    private final BenchQueues queues;
    private final String exchange;
    private final String prefix;

    ConsumerBench(BenchOptions options, ConnectionFactory factory, String exchange) {
        this.options = options;
        this.phase = options.consumerPhase();
        this.factory = factory;
        this.queues = new BenchQueues(factory);
        this.exchange = exchange;
        this.prefix = exchange + ".consumers.";
    }

    /** Measures every consumer in {@code database} (which has no tables of the phase yet). */
    ConsumerResults measure(String database) throws Exception {
        try (HikariDataSource pool = pool(database)) {
            try (var db = pool.getConnection();
                    Statement statement = db.createStatement()) {
                statement.execute(new String(
                        ConsumerBench.class
                                .getResourceAsStream("/dev/outboxcdc/writer/schema/processed_events.sql")
                                .readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8));
                statement.execute(Effects.DDL);
            }
            List<ConsumerUnderTest> consumers = consumers(pool);
            ConsumerResults results = new ConsumerResults(phase.events(), phase.rounds(), consumers);
            int warmUp = Math.max(100, phase.events() / 10);
            step("consumers: warm-up, " + warmUp + " events each");
            for (int i = 0; i < consumers.size(); i++) {
                drainRepeating(consumers.get(i), "warm-up." + i, warmUp, pool, results);
            }
            for (int round = 1; round <= phase.rounds(); round++) {
                for (int k = 0; k < consumers.size(); k++) {
                    int i = (k + round - 1) % consumers.size();
                    ConsumerUnderTest consumer = consumers.get(i);
                    Drain drain = drainRepeating(consumer, "r" + round + "." + i, phase.events(), pool, results);
                    step(String.format(
                            "consumers: round %d, %s (prefetch %d): %,.0f events/s; CPU per event %.0f µs in the"
                                    + " handling threads, %.0f µs in the process",
                            round,
                            consumer.label(),
                            consumer.prefetch(),
                            drain.rate(),
                            drain.workerCpuMicrosPerEvent(),
                            drain.cpuMicrosPerEvent()));
                    results.add(i, drain);
                }
            }
            return results;
        }
    }

    /**
     * One drain's rate; the CPU time per event of the threads that handled the deliveries; and of the whole
     * benchmark process meanwhile (also amqp-client's reader, the pool, GC and JIT).
     */
    record Drain(double rate, double workerCpuMicrosPerEvent, double cpuMicrosPerEvent) {}

    /**
     * {@link #drain}, repeated on a fresh queue when it fails, at most {@value #ATTEMPTS} times: other work on this
     * machine restarts PostgreSQL now and then. A consumer that fails every time fails the run.
     */
    private Drain drainRepeating(
            ConsumerUnderTest consumer, String name, int events, DataSource pool, ConsumerResults results)
            throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return drain(consumer, name + (attempt == 1 ? "" : ".again" + attempt), events, pool);
            } catch (Exception e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                step("consumers: " + consumer.label() + " failed (" + e.getMessage()
                        + "); draining a fresh queue again once the" + " database answers");
                results.repeated(consumer.label() + ": " + e.getMessage());
                awaitDatabase(pool);
            }
        }
    }

    private static final int ATTEMPTS = 3;

    private static void awaitDatabase(DataSource pool) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            try (var db = pool.getConnection()) {
                if (db.isValid(5)) {
                    return;
                }
            } catch (SQLException e) {
                // not yet
            }
            TimeUnit.SECONDS.sleep(1); // a back-off between tries, not a measurement
        }
    }

    private List<ConsumerUnderTest> consumers(DataSource pool) {
        List<ConsumerUnderTest> consumers = new ArrayList<>();
        consumers.add(new AckOnlyConsumer(factory, DEFAULT_PREFETCH));
        consumers.add(new HandWrittenConsumer(factory, pool, DEFAULT_PREFETCH));
        consumers.add(new HandWrittenConsumer(factory, pool, NATURAL_PREFETCH));
        consumers.add(new SupportConsumer(factory, pool, exchange, 1, DEFAULT_PREFETCH));
        consumers.add(new SupportConsumer(factory, pool, exchange, 2, DEFAULT_PREFETCH));
        consumers.add(new SupportConsumer(factory, pool, exchange, POOL_SIZE, DEFAULT_PREFETCH));
        consumers.removeIf(c -> !phase.measures(c.key()));
        return consumers;
    }

    /** Fills a fresh queue with {@code events} envelopes, lets {@code consumer} drain it, checks the effects; returns events/s. */
    private Drain drain(ConsumerUnderTest consumer, String name, int events, DataSource pool) throws Exception {
        String queue = prefix + name;
        try (var db = pool.getConnection();
                Statement statement = db.createStatement()) {
            statement.execute("TRUNCATE processed_events, " + Effects.TABLE);
        }
        try {
            queues.declare(queue);
            RawPublisher.publish(factory, "", queue, events);
            long ready = queues.messages(queue);
            if (ready != events) {
                throw new IllegalStateException(
                        "queue " + queue + " holds " + ready + " messages after publishing " + events);
            }
            Progress progress = new Progress(events);
            double rate;
            long workerCpu;
            long cpu = CPU.getProcessCpuTime();
            try (AutoCloseable running = consumer.start(queue, progress)) {
                rate = progress.await(Duration.ofSeconds(120 + events / 100));
                cpu = CPU.getProcessCpuTime() - cpu;
                workerCpu = progress.workerCpuNanos();
            }
            verify(consumer, queue, events, pool);
            return new Drain(rate, workerCpu / 1e3 / events, cpu / 1e3 / events);
        } finally {
            queues.delete(consumer.queues(queue));
        }
    }

    private void verify(ConsumerUnderTest consumer, String queue, int events, DataSource pool) throws Exception {
        long left = queues.messages(queue);
        if (left != 0) {
            throw new IllegalStateException(consumer.label() + " left " + left + " messages in " + queue);
        }
        long expected = consumer.writes() ? events : 0;
        Effects.Counts counts;
        try {
            counts = Effects.count(pool);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot count the effects of " + consumer.label() + ": " + e.getMessage(), e);
        }
        if (counts.effects() != expected || counts.distinct() != expected || counts.processed() != expected) {
            throw new IllegalStateException(consumer.label() + " drained " + events + " events into " + counts.effects()
                    + " effects (" + counts.distinct() + " distinct events) and " + counts.processed()
                    + " processed_events records; expected " + expected + " of each");
        }
    }

    private HikariDataSource pool(String database) {
        // HikariCP's defaults (auto-commit on, fail fast at start) but for the size and the name.
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(options.jdbcUrl(database));
        config.setUsername(options.pgUser());
        config.setPassword(options.pgPassword());
        config.setMaximumPoolSize(POOL_SIZE);
        config.setPoolName("bench-consumers");
        return new HikariDataSource(config);
    }

    private static void step(String what) {
        System.out.println("bench: " + what);
    }
}
