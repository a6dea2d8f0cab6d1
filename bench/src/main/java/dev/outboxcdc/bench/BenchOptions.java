package dev.outboxcdc.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one benchmark run measures and against what.
 *
 * @param events          events per throughput phase (backlog drain, keep-up)
 * @param pacedRate       events per second of the paced phase
 * @param pacedSeconds    length of the paced phase (after a warm-up of a third of it)
 * @param retained        rows already in the table for the large-table drain
 * @param writers         concurrent writers
 * @param pgHost          PostgreSQL host
 * @param pgPort          PostgreSQL port
 * @param pgUser          a superuser (the benchmark creates its databases)
 * @param pgPassword      its password
 * @param rabbitmqUri     RabbitMQ
 * @param relayJar        the cdc-relay jar as built, run as {@value #PLAIN} ({@code java -jar} with environment variables only)
 * @param relayImageDir   cdc-relay copied with a class-data sharing archive by {@code scripts/relay-cds.sh}, run as
 *                        {@value #IMAGE} (as {@code docker/cdc-relay.Dockerfile} runs it)
 * @param output          the markdown file to write, or null (default: docs/benchmarks.md for --quick,
 *                        docs/benchmarks-full.md for the full run)
 * @param quick           whether this is the CI-sized run
 * @param relays          the relays to measure ({@link #RELAYS}); all by default
 * @param phases          the phases to run ({@link #PHASES}): per relay, and the consumer phase once; all by default
 * @param consumerPhase   what the consumer phase measures
 */
record BenchOptions(
        int events,
        int pacedRate,
        int pacedSeconds,
        int retained,
        int writers,
        String pgHost,
        int pgPort,
        String pgUser,
        String pgPassword,
        String rabbitmqUri,
        Path relayJar,
        Path relayImageDir,
        Path output,
        boolean quick,
        Set<String> relays,
        Set<String> phases,
        ConsumerPhaseOptions consumerPhase) {

    /** cdc-relay as the README runs it anywhere else: {@code java -jar cdc-relay.jar}, no JVM options. */
    static final String PLAIN = "cdc-relay";
    /** cdc-relay as the Docker image runs it: class-data sharing, the shipped JVM options. */
    static final String IMAGE = "cdc-relay-image";
    /** The polling relay cdc-relay replaces. */
    static final String POLLING = "polling";
    /** The relays a run can measure. */
    static final List<String> RELAYS = List.of(PLAIN, IMAGE, POLLING);
    /** Writers at full speed while the relay streams: can it keep up? */
    static final String KEEP_UP = "keep-up";
    /**
     * The phases: of one relay's measurement backlog drain, keep-up, paced, and both on a large table;
     * then, once, the consumers draining a pre-filled queue.
     */
    static final List<String> PHASES = List.of("drain", KEEP_UP, "paced", "large", "consumers");
    /** The phase that measures consumers rather than relays. */
    static final String CONSUMERS = "consumers";

    static BenchOptions parse(String[] args) {
        boolean quick = false;
        Integer events = null;
        Integer pacedSeconds = null;
        Integer retained = null;
        Integer consumerEvents = null;
        int rounds = 3;
        Set<String> consumers = new LinkedHashSet<>(ConsumerPhaseOptions.CONSUMERS);
        Path output = null;
        boolean outputGiven = false;
        Path relayJar = Path.of(env("OUTBOX_BENCH_RELAY_JAR", "cdc-relay/target/cdc-relay.jar"));
        Path relayImageDir = Path.of(env("OUTBOX_BENCH_RELAY_IMAGE_DIR", "cdc-relay/target/cds"));
        Set<String> relays = new LinkedHashSet<>(RELAYS);
        Set<String> phases = new LinkedHashSet<>(PHASES);
        for (String arg : args) {
            if (arg.equals("--quick")) {
                quick = true;
            } else if (arg.startsWith("--events=")) {
                events = Integer.parseInt(arg.substring(9));
            } else if (arg.startsWith("--paced-seconds=")) {
                pacedSeconds = Integer.parseInt(arg.substring(16));
            } else if (arg.startsWith("--retained=")) {
                retained = Integer.parseInt(arg.substring(11));
            } else if (arg.startsWith("--consumer-events=")) {
                consumerEvents = Integer.parseInt(arg.substring(18));
            } else if (arg.startsWith("--rounds=")) {
                rounds = Integer.parseInt(arg.substring(9));
            } else if (arg.startsWith("--consumers=")) {
                consumers = subset(arg.substring(12), ConsumerPhaseOptions.CONSUMERS, "consumer");
            } else if (arg.startsWith("--relay-jar=")) {
                relayJar = Path.of(arg.substring(12));
            } else if (arg.startsWith("--relay-image-dir=")) {
                relayImageDir = Path.of(arg.substring(18));
            } else if (arg.startsWith("--output=")) {
                output = arg.substring(9).isEmpty() ? null : Path.of(arg.substring(9));
                outputGiven = true;
            } else if (arg.startsWith("--relays=")) {
                relays = subset(arg.substring(9), RELAYS, "relay");
            } else if (arg.startsWith("--phases=")) {
                phases = subset(arg.substring(9), PHASES, "phase");
            } else {
                throw new IllegalArgumentException(
                        "unknown argument " + arg + " (use --quick, --events=N, --paced-seconds=N,"
                                + " --retained=N, --consumer-events=N, --rounds=N, --relay-jar=FILE, --relay-image-dir=DIR, --output=FILE,"
                                + " --relays=" + String.join(",", RELAYS)
                                + ", --phases=" + String.join(",", PHASES) + ", --consumers="
                                + String.join(",", ConsumerPhaseOptions.CONSUMERS)
                                + ")");
            }
        }
        if (!outputGiven) {
            // The quick run's table is the one the docs show first; a full run keeps its own.
            output = Path.of("docs", quick ? "benchmarks.md" : "benchmarks-full.md");
        }
        return new BenchOptions(
                events != null ? events : quick ? 20_000 : 100_000,
                1_000,
                pacedSeconds != null ? pacedSeconds : quick ? 10 : 30,
                retained != null ? retained : quick ? 100_000 : 1_000_000,
                4,
                env("OUTBOX_TEST_PG_HOST", "127.0.0.1"),
                Integer.parseInt(env("OUTBOX_TEST_PG_PORT", "5432")),
                env("OUTBOX_TEST_PG_USER", "postgres"),
                env("OUTBOX_TEST_PG_PASSWORD", ""),
                env("OUTBOX_TEST_RABBITMQ_URI", "amqp://guest:guest@127.0.0.1:5672/%2F"),
                relayJar,
                relayImageDir,
                output,
                quick,
                relays,
                phases,
                new ConsumerPhaseOptions(
                        consumerEvents != null ? consumerEvents : quick ? 20_000 : 50_000, rounds, consumers));
    }

    /** Whether the run measures {@code relay} at all. */
    boolean measures(String relay) {
        return relays.contains(relay);
    }

    /** Whether the run includes {@code phase} for each relay it measures. */
    boolean runs(String phase) {
        return phases.contains(phase);
    }

    /** Whether any relay phase runs (and with it the raw ceiling and the writers alone). */
    boolean runsRelays() {
        return phases.stream().anyMatch(p -> !p.equals(CONSUMERS)) && !relays.isEmpty();
    }

    /** Whether every relay and phase runs, so the targets can all be checked. */
    boolean complete() {
        return relays.containsAll(RELAYS)
                && phases.containsAll(PHASES)
                && consumerPhase.consumers().containsAll(ConsumerPhaseOptions.CONSUMERS);
    }

    private static Set<String> subset(String list, List<String> known, String what) {
        Set<String> chosen = new LinkedHashSet<>(Arrays.asList(list.split(",")));
        for (String name : chosen) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown " + what + " '" + name + "' (known: " + String.join(", ", known) + ")");
            }
        }
        return chosen;
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + database;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
