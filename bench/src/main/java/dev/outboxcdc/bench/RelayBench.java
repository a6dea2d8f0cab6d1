package dev.outboxcdc.bench;

import com.rabbitmq.client.ConnectionFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The relay phases: the raw publish ceiling, the writers alone, then for each relay (the real jar, as
 * {@code java -jar} runs it and as the image runs it, and the polling relay it replaces) its start, backlog drain,
 * keep-up, paced latency and the same on a large table, every event received by one {@link Receiver}.
 */
final class RelayBench {

    /** Each relay's databases (and its log, {@code target/bench/<database>.log}) are named with its suffix. */
    private static final Map<String, String> DATABASE_SUFFIX =
            Map.of(BenchOptions.PLAIN, "cdc", BenchOptions.IMAGE, "img", BenchOptions.POLLING, "poll");

    private final BenchOptions options;
    private final ConnectionFactory factory;
    private final String exchange;
    private final BenchDatabases databases;

    RelayBench(BenchOptions options, ConnectionFactory factory, String exchange, BenchDatabases databases) {
        this.options = options;
        this.factory = factory;
        this.exchange = exchange;
        this.databases = databases;
    }

    /** Measures the raw ceiling, the writers alone and each relay the options name into {@code results}. */
    void measure(Results results) throws Exception {
        try (Receiver receiver = new Receiver(factory, exchange)) {
            step("raw ceiling: plain publisher with pipelined confirms, " + options.events() + " messages");
            receiver.reset(false);
            results.raw = RawPublisher.publish(factory, exchange, options.events());
            receiver.await(options.events(), timeout(options.events()));

            step("writers alone: " + options.writers() + " writers, transactions of 10 rows");
            String writersDb = databases.create("w", 0);
            results.writersAlone = options.events()
                    / new Workload(options, writersDb)
                            .writeAtFullSpeed(options.events())
                            .seconds();
            databases.drop(writersDb);

            for (String relay : BenchOptions.RELAYS) {
                if (options.measures(relay)) {
                    results.relays.put(relay, measureRelay(receiver, relay));
                }
            }
        }
    }

    private Results.RelayResult measureRelay(Receiver receiver, String kind) throws Exception {
        Results.RelayResult result = new Results.RelayResult();
        String db = databases.create(DATABASE_SUFFIX.get(kind), 0);
        Workload workload = new Workload(options, db);
        Relay relay = relay(kind, db);
        result.insideBenchmark = relay instanceof PollingRelay;
        step(relay.name() + ": first start");
        result.readySeconds = relay.start();
        result.readyCpuSeconds = relay.cpuSeconds();
        if (options.runs("drain")) {
            relay.stop();
            step(relay.name() + ": backlog drain of " + options.events() + " events written while it is stopped");
            Drain drain = drain(receiver, relay, workload);
            result.drain = drain.eventsPerSecond();
            result.drainCpuPer10k = drain.cpuPer10k();
        }
        if (options.runs(BenchOptions.KEEP_UP)) {
            step(relay.name() + ": keep-up, " + options.writers() + " writers at full speed write " + options.events()
                    + " events while it streams");
            receiver.reset(false);
            double cpu = relay.cpuSeconds();
            Workload.Written written = workload.writeAtFullSpeed(options.events());
            receiver.await(options.events(), timeout(options.events()));
            result.keepUpCpuPer10k = per10k(relay.cpuSeconds() - cpu, options.events());
            result.keepUpWriters = options.events() / written.seconds();
            result.keepUp = options.events() / seconds(receiver.lastNanos() - written.startNanos());
            result.keepUpLagSeconds = (receiver.lastNanos() - written.lastCommitNanos()) / 1e9;
        }
        if (options.runs("paced")) {
            step(relay.name() + ": paced " + options.pacedRate() + " events/s for " + options.pacedSeconds()
                    + " s after a warm-up");
            Paced paced = paced(receiver, relay, workload);
            result.paced = paced.latency();
            result.pacedStalls = paced.stalls();
            result.pacedCpuPer10k = paced.cpuPer10k();
        }
        relay.stop();
        result.peakRssKb = relay.peakRssKb();
        databases.drop(db);

        if (options.runs("large")) {
            String large = databases.create(DATABASE_SUFFIX.get(kind) + "_large", options.retained());
            Workload onLargeTable = new Workload(options, large);
            Relay onLarge = relay(kind, large);
            onLarge.start();
            onLarge.stop();
            step(relay.name() + ": backlog drain with " + options.retained() + " rows retained in the table");
            result.drainLarge = drain(receiver, onLarge, onLargeTable).eventsPerSecond();
            step(relay.name() + ": paced with " + options.retained() + " rows retained in the table");
            result.pacedLarge = paced(receiver, onLarge, onLargeTable).latency();
            onLarge.stop();
            result.peakRssKb = Math.max(result.peakRssKb, onLarge.peakRssKb());
            databases.drop(large);
        }
        return result;
    }

    /** A drain's rate, and the relay's CPU seconds per 10,000 events from its readiness to the last event received. */
    private record Drain(double eventsPerSecond, double cpuPer10k) {}

    /** Writes a backlog while {@code relay} is stopped, starts it and measures how it drains the backlog. */
    private Drain drain(Receiver receiver, Relay relay, Workload workload) throws Exception {
        receiver.reset(false);
        workload.writeAtFullSpeed(options.events());
        relay.start();
        double cpu = relay.cpuSeconds();
        receiver.await(options.events(), timeout(options.events()));
        return new Drain(
                options.events() / seconds(receiver.lastNanos() - receiver.firstNanos()),
                per10k(relay.cpuSeconds() - cpu, options.events()));
    }

    /** A paced phase's latencies, the machine's stalls and the relay's CPU per 10,000 events meanwhile. */
    private record Paced(Results.Latency latency, Results.Stall stalls, double cpuPer10k) {}

    /** Writes at the paced rate, first a warm-up, then the measured part; returns what the measured part saw. */
    private Paced paced(Receiver receiver, Relay relay, Workload workload) throws Exception {
        int warmUp = options.pacedRate() * Math.max(1, options.pacedSeconds() / 3);
        int paced = options.pacedRate() * options.pacedSeconds();
        receiver.reset(false);
        workload.writePaced(warmUp, options.pacedRate());
        receiver.await(warmUp, timeout(warmUp));
        receiver.reset(true);
        try (Stalls stalls = Stalls.measure()) {
            double cpu = relay.cpuSeconds();
            workload.writePaced(paced, options.pacedRate());
            receiver.await(paced, timeout(paced));
            double cpuPer10k = per10k(relay.cpuSeconds() - cpu, paced);
            return new Paced(
                    new Results.Latency(
                            receiver.percentileMillis(0.50),
                            receiver.percentileMillis(0.95),
                            receiver.percentileMillis(0.99)),
                    stalls.result(),
                    cpuPer10k);
        }
    }

    private Relay relay(String kind, String db) {
        return kind.equals(BenchOptions.POLLING)
                ? new PollingRelay(options, db, factory, exchange)
                : new CdcRelay(options, kind, db, exchange, db, Path.of("target", "bench", db + ".log"));
    }

    private static Duration timeout(int events) {
        return Duration.ofSeconds(120 + events / 500);
    }

    /** CPU seconds per 10,000 events; NaN stays NaN (a relay inside the benchmark). */
    private static double per10k(double cpuSeconds, int events) {
        return cpuSeconds / events * 10_000;
    }

    private static double seconds(long nanos) {
        return Math.max(nanos, 1) / 1e9;
    }

    private static void step(String what) {
        System.out.println("bench: " + what);
    }
}
