package dev.outboxcdc.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.envelope.OutboxTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * {@code scripts/bench.sh}: measures, in one run and on the same workload, the raw publish ceiling, the writers
 * alone, cdc-relay (the real jar, as {@code java -jar} runs it and as the image runs it) and the polling relay it
 * replaces; then consumer-support next to a hand-written consumer and the broker's delivery rate
 * ({@link ConsumerBench}). Prints and writes the markdown tables ({@code docs/benchmarks.md}). Every number comes
 * from this run.
 */
public final class Benchmark {

    /** Each relay's databases (and its log, {@code target/bench/<database>.log}) are named with its suffix. */
    private static final Map<String, String> DATABASE_SUFFIX =
            Map.of(BenchOptions.PLAIN, "cdc", BenchOptions.IMAGE, "img", BenchOptions.POLLING, "poll");

    private final BenchOptions options;
    private final ConnectionFactory factory = new ConnectionFactory();
    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final String exchange = "outbox.bench." + run;

    private Benchmark(BenchOptions options) throws Exception {
        this.options = options;
        factory.setUri(options.rabbitmqUri());
    }

    public static void main(String[] args) throws Exception {
        new Benchmark(BenchOptions.parse(args)).run();
    }

    private void run() throws Exception {
        Results results = new Results(options, Instant.now());
        declareExchange();
        try {
            if (options.runsRelays()) {
                measureRelays(results);
            }
            if (options.runs(BenchOptions.CONSUMERS)) {
                String db = createDatabase("consumers", 0);
                try {
                    results.consumers = new ConsumerBench(options, factory, exchange).measure(db);
                } finally {
                    dropDatabase(db);
                }
            }
        } finally {
            deleteExchange();
        }
        String table = results.markdown(brokerVersion(), postgresVersion());
        System.out.println(table);
        if (options.output() != null) {
            Files.createDirectories(options.output().toAbsolutePath().getParent());
            Files.writeString(options.output(), table);
            System.out.println("bench: wrote " + options.output());
        }
    }

    private void measureRelays(Results results) throws Exception {
        try (Receiver receiver = new Receiver(factory, exchange)) {
            step("raw ceiling: plain publisher with pipelined confirms, " + options.events() + " messages");
            receiver.reset(false);
            results.raw = RawPublisher.publish(factory, exchange, options.events());
            receiver.await(options.events(), timeout(options.events()));

            step("writers alone: " + options.writers() + " writers, transactions of 10 rows");
            String writersDb = createDatabase("w", 0);
            results.writersAlone = options.events()
                    / new Workload(options, writersDb)
                            .writeAtFullSpeed(options.events())
                            .seconds();
            dropDatabase(writersDb);

            for (String relay : BenchOptions.RELAYS) {
                if (options.measures(relay)) {
                    results.relays.put(relay, measure(receiver, relay));
                }
            }
        }
    }

    private Results.RelayResult measure(Receiver receiver, String kind) throws Exception {
        Results.RelayResult result = new Results.RelayResult();
        String db = createDatabase(DATABASE_SUFFIX.get(kind), 0);
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
        dropDatabase(db);

        if (options.runs("large")) {
            String large = createDatabase(DATABASE_SUFFIX.get(kind) + "_large", options.retained());
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
            dropDatabase(large);
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

    private String createDatabase(String suffix, int retained) throws Exception {
        String name = "bench_" + run + "_" + suffix;
        try (var admin = DriverManager.getConnection(
                        options.jdbcUrl("postgres"), options.pgUser(), options.pgPassword());
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        try (var db = DriverManager.getConnection(options.jdbcUrl(name), options.pgUser(), options.pgPassword());
                Statement statement = db.createStatement()) {
            statement.execute(new String(
                    Benchmark.class
                            .getResourceAsStream("/dev/outboxcdc/writer/schema/outbox_events.sql")
                            .readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8));
            statement.execute(
                    "CREATE INDEX outbox_events_pending_idx ON outbox_events (created_at) WHERE status = 'PENDING'");
            if (retained > 0) {
                statement.execute("INSERT INTO outbox_events (id, event_id, event_type, payload, status, created_at)"
                        + " SELECT gen_random_uuid(), gen_random_uuid(), 'bench.retained', '" + Workload.PAYLOAD
                        + "'::jsonb,"
                        + " 'PUBLISHED', now() - interval '1 day' FROM generate_series(1, " + retained + ")");
                statement.execute("VACUUM ANALYZE outbox_events");
            }
        }
        return name;
    }

    private void dropDatabase(String name) throws Exception {
        try (var admin = DriverManager.getConnection(
                        options.jdbcUrl("postgres"), options.pgUser(), options.pgPassword());
                Statement statement = admin.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '"
                    + name + "'");
            statement.execute("DROP DATABASE " + name + " WITH (FORCE)");
        }
    }

    /** The run's events exchange, as the relay declares it, so the receiver can bind before a relay starts. */
    private void declareExchange() throws Exception {
        try (Connection connection = factory.newConnection("outbox-bench")) {
            OutboxTopology.declareEventsExchange(connection, exchange);
        }
    }

    private void deleteExchange() throws Exception {
        try (Connection connection = factory.newConnection("outbox-bench");
                Channel channel = connection.createChannel()) {
            channel.exchangeDelete(exchange);
        }
    }

    private String brokerVersion() throws Exception {
        try (Connection connection = factory.newConnection("outbox-bench")) {
            return "RabbitMQ " + connection.getServerProperties().get("version");
        }
    }

    private String postgresVersion() throws Exception {
        try (var admin = DriverManager.getConnection(
                        options.jdbcUrl("postgres"), options.pgUser(), options.pgPassword());
                Statement statement = admin.createStatement();
                var rs = statement.executeQuery("SHOW server_version")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1);
        }
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
