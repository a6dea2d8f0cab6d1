package dev.outboxcdc.examples.demo;

import dev.outboxcdc.examples.demo.DemoDatabase.Effects;
import dev.outboxcdc.examples.demo.LoadGenerator.Phase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Drives the demo's traffic through the personnel service's API and prints the report. First a warm-up
 * (not measured: the five JVMs compile their hot paths), then the measured load: nine tenths of it paced
 * at {@code --rate} requests per second, the last tenth as one burst. It waits until every consumer applied
 * every event and reports commit-to-publish (a tap queue on the events exchange), commit-to-effect per
 * consumer and whether each consumer kept up, ending with the line
 * {@code demo: written=N published=N consumed=N duplicates_skipped=N p50_ms=X p99_ms=Y publish_p50_ms=A publish_p99_ms=B}
 * whose latencies are those of the paced load. Exits 1 when an event is missing.
 * With {@code --delete-queues} it deletes the demo's consumer queues instead.
 */
public final class DemoDriver {

    /** A consumer kept up when what it had still to apply at the end of the paced load was under this much of its traffic. */
    static final Duration KEPT_UP = Duration.ofMillis(250);

    private static final Effects NONE = new Effects(0, 0, 0, 0, Instant.EPOCH);

    private DemoDriver() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        if (options.containsKey("delete-queues")) {
            DemoQueues.delete(options.get("rabbitmq-uri"));
            return;
        }
        int employees = Integer.parseInt(options.getOrDefault("employees", "3000"));
        int warmupEmployees = Integer.parseInt(options.getOrDefault("warmup-employees", "2000"));
        double rate = Double.parseDouble(options.getOrDefault("rate", "200"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(options.getOrDefault("timeout-seconds", "180")));
        RelayMetrics relay = new RelayMetrics(options.get("relay"));
        List<String> services = List.of(options.get("services").split(","));
        LoadGenerator load = new LoadGenerator(options.get("personnel"));

        try (PublishTap tap = PublishTap.open(options.get("rabbitmq-uri"));
                Connection connection = DriverManager.getConnection(
                        options.get("jdbc-url"), options.get("jdbc-user"), options.getOrDefault("jdbc-password", ""))) {
            DemoDatabase db = new DemoDatabase(connection);

            List<EventKind> warmup = EventKind.mix(warmupEmployees, 7);
            Instant warmupFrom = db.now();
            Phase warm = load.send(warmup, rate);
            boolean warmedUp = awaitEffects(db, warmupFrom, expected(warmup), timeout);
            System.err.printf(
                    "demo: warm-up: %d events in %.1f s, %s%n",
                    warm.sent(), warm.seconds(), warmedUp ? "all applied" : "NOT all applied within the timeout");

            List<EventKind> measured = EventKind.mix(employees, 42);
            int pacedCount = measured.size() - measured.size() / 10;
            RelayMetrics.Snapshot relayBefore = relay.snapshot();
            Instant loadFrom = db.now();
            Phase paced = load.send(measured.subList(0, pacedCount), rate);
            Instant burstFrom = db.now();
            Map<String, Long> backlog = backlog(db, loadFrom, burstFrom);
            Phase burst = load.send(measured.subList(pacedCount, measured.size()), 0);
            Map<String, Long> expected = expected(measured);
            boolean complete = awaitEffects(db, loadFrom, expected, timeout);
            RelayMetrics.Snapshot relayAfter = relay.snapshot();
            double duplicates = 0;
            for (String service : services) {
                duplicates += RelayMetrics.metric(service, "outbox_consumer_events_duplicates_total");
            }
            Instant end = Instant.now().plusSeconds(60);
            DemoReport report = new DemoReport(
                    rate,
                    paced,
                    burst,
                    measured,
                    expected,
                    backlog,
                    db.effects(loadFrom, burstFrom),
                    db.effects(burstFrom, end),
                    tap.latenciesMs(loadFrom, burstFrom),
                    tap.latenciesMs(burstFrom, end),
                    relayAfter.minus(relayBefore),
                    duplicates,
                    burstFrom);
            report.print(System.out);
            if (!complete || report.published() < measured.size()) {
                System.err.println("demo: FAILED: not every event was published and consumed within the timeout");
                System.exit(1);
            }
        }
    }

    /** How many events each consumer gets from these requests. */
    private static Map<String, Long> expected(List<EventKind> kinds) {
        Map<String, Long> expected = new LinkedHashMap<>();
        for (EventKind kind : EventKind.values()) {
            expected.put(kind.consumer(), kinds.stream().filter(k -> k == kind).count());
        }
        return expected;
    }

    /** Per consumer: events written since {@code from} that it has not applied yet. */
    private static Map<String, Long> backlog(DemoDatabase db, Instant from, Instant to) throws Exception {
        Map<String, Long> written = db.written(from, to);
        Map<String, Effects> effects = db.effects(from, to);
        Map<String, Long> backlog = new LinkedHashMap<>();
        for (EventKind kind : EventKind.values()) {
            Effects applied = effects.get(kind.consumer());
            backlog.put(
                    kind.consumer(),
                    written.getOrDefault(kind.eventType(), 0L) - (applied == null ? 0 : applied.count()));
        }
        return backlog;
    }

    /** Polls the database (as the report's reader would) until every consumer applied what it was sent. */
    private static boolean awaitEffects(DemoDatabase db, Instant from, Map<String, Long> expected, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Instant to = Instant.now().plusSeconds(3600);
        while (true) {
            Map<String, Effects> effects = db.effects(from, to);
            if (expected.entrySet().stream()
                    .allMatch(e -> effects.getOrDefault(e.getKey(), NONE).count() == e.getValue())) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                options.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "" : arg.substring(eq + 1));
            }
        }
        return options;
    }
}
