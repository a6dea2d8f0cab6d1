package dev.outboxcdc.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The numbers of one run and their markdown rendering, with each target checked. */
final class Results {

    /** Commit-to-consume latency percentiles of a paced phase, in milliseconds. */
    record Latency(double p50, double p95, double p99) {
        static final Latency NOT_RUN = new Latency(Double.NaN, Double.NaN, Double.NaN);
    }

    /** How late a thread sleeping 1 ms woke up during a paced phase, in milliseconds. */
    record Stall(double p99, double p999, double max) {
        static final Stall NOT_RUN = new Stall(Double.NaN, Double.NaN, Double.NaN);
    }

    /** What one relay achieved; NaN where a phase did not run or (CPU of the polling relay) is not measured. */
    static final class RelayResult {
        double readySeconds = Double.NaN;
        double readyCpuSeconds = Double.NaN;
        double drain = Double.NaN;
        double drainCpuPer10k = Double.NaN;
        double keepUpWriters = Double.NaN;
        double keepUp = Double.NaN;
        double keepUpLagSeconds = Double.NaN;
        double keepUpCpuPer10k = Double.NaN;
        Latency paced = Latency.NOT_RUN;
        Stall pacedStalls = Stall.NOT_RUN;
        double pacedCpuPer10k = Double.NaN;
        double drainLarge = Double.NaN;
        Latency pacedLarge = Latency.NOT_RUN;
        long peakRssKb = -1;
        /** The polling relay: no process of its own, so no CPU or memory of its own to read. */
        boolean insideBenchmark;
    }

    private static final String NOT_RUN = "not run";

    private final BenchOptions options;
    private final Instant when;
    double raw;
    double writersAlone;
    /** Per relay measured, by its name in {@link BenchOptions#RELAYS}. */
    final Map<String, RelayResult> relays = new LinkedHashMap<>();
    /** The consumer phase, or null when it did not run. */
    ConsumerResults consumers;

    Results(BenchOptions options, Instant when) {
        this.options = options;
        this.when = when;
    }

    String markdown(String broker, String postgres) throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Written by `scripts/bench.sh")
                .append(options.quick() ? " --quick" : "")
                .append("` on ")
                .append(when)
                .append(". Every number below comes from that run; run it again to reproduce.\n\n");
        md.append("Machine: ")
                .append(machine())
                .append("; ")
                .append(postgres)
                .append(", ")
                .append(broker)
                .append(", Java ")
                .append(System.getProperty("java.version"))
                .append(". PostgreSQL, RabbitMQ, the relay, the writers and the consumer share the machine.\n\n");
        if (options.runsRelays()) {
            relays(md);
        }
        if (consumers != null) {
            md.append(options.runsRelays() ? "\n" : "").append(consumers.markdown());
        }
        md.append("\n## Targets\n\n");
        if (!options.complete()) {
            md.append("A partial run (relays ")
                    .append(String.join(", ", options.relays()))
                    .append("; phases ")
                    .append(String.join(", ", options.phases()))
                    .append("): targets of what it did not run say"
                            + " \"not measured\" or, when none of the relay phases ran, are left out.\n\n");
        }
        List<String> lines = new ArrayList<>();
        if (options.runsRelays()) {
            lines.addAll(targets());
        }
        if (consumers != null) {
            lines.addAll(consumers.targets());
        }
        for (String line : lines) {
            md.append("- ").append(line).append('\n');
        }
        return md.toString();
    }

    private RelayResult result(String relay) {
        return relays.getOrDefault(relay, new RelayResult());
    }

    private void relays(StringBuilder md) {
        md.append("cdc-relay runs as a process of its own, configured by environment variables, in two ways:\n\n");
        md.append("- `cdc-relay`: `")
                .append(String.join(" ", CdcRelay.command(options, BenchOptions.PLAIN)))
                .append("`, the jar as built with the JVM's defaults (the README's way to run it anywhere else).\n");
        md.append("- `cdc-relay-image`: `JAVA_TOOL_OPTIONS=\"")
                .append(CdcRelay.SHIPPED_JVM_OPTIONS)
                .append("\" ")
                .append(String.join(" ", CdcRelay.command(options, BenchOptions.IMAGE)))
                .append(
                        "`, as `docker/cdc-relay.Dockerfile` runs it: with a class-data sharing archive"
                                + " (`scripts/relay-cds.sh`), the options of `scripts/relay-jvm-options`; here outside a container.\n");
        if (!CdcRelay.EXTRA_JVM_OPTIONS.isEmpty()) {
            md.append("- This run added `")
                    .append(CdcRelay.EXTRA_JVM_OPTIONS)
                    .append("` to both command lines (`OUTBOX_BENCH_RELAY_JVM_OPTS`).\n");
        }
        md.append('\n');
        md.append("Workload: ")
                .append(options.writers())
                .append(" concurrent writers (outbox-writer), transactions of ")
                .append(Workload.ROWS_PER_TRANSACTION)
                .append(" rows, ~")
                .append(Workload.PAYLOAD.length())
                .append("-byte JSON payloads; ")
                .append(String.format("%,d", options.events()))
                .append(
                        " events per throughput phase (backlog drain; keep-up: the writers at full speed while the relay"
                                + " streams, lag = last event received − writers' last commit); paced phase ")
                .append(options.pacedRate())
                .append(" events/s for ")
                .append(options.pacedSeconds())
                .append(" s after a warm-up; large-table drain with ")
                .append(String.format("%,d", options.retained()))
                .append(" rows retained. A consumer bound with `#` checks that")
                .append(
                        " every event arrived and measures commit-to-consume latency from the envelope's `timestamp`.\n\n");
        md.append("| | raw ceiling | cdc-relay | cdc-relay-image | polling relay |\n|---|---|---|---|---|\n");
        md.append("| writers alone (inserts/s) | ").append(fmt(writersAlone)).append(" | | | |\n");
        md.append("| confirmed publishes/s (plain amqp-client publisher) | ")
                .append(fmt(raw))
                .append(" | | | |\n");
        md.append(row("backlog drain (events/s)", r -> rate(r.drain)));
        md.append(row(
                "keep-up: writers' commits (events/s)",
                r -> Double.isNaN(r.keepUpWriters) ? NOT_RUN : fmt(r.keepUpWriters)));
        md.append(
                row("keep-up: relay publishes (events/s, writers' start to last event received)", r -> rate(r.keepUp)));
        md.append(row("keep-up: lag at end of load (s)", r -> seconds(r.keepUpLagSeconds)));
        md.append(row("paced " + options.pacedRate() + "/s: p50 / p95 / p99 (ms)", r -> latency(r.paced)));
        md.append(row(
                "machine stalls while paced: a thread sleeping 1 ms wakes late by p99 / p99.9 / max (ms)",
                r -> stall(r.pacedStalls)));
        String retained = String.format("%,d", options.retained()) + " retained rows";
        md.append(row("backlog drain with " + retained + " (events/s)", r -> rate(r.drainLarge)));
        md.append(row("paced with " + retained + ": p50 / p95 / p99 (ms)", r -> latency(r.pacedLarge)));
        md.append(row("relay CPU per 10,000 events: drain / keep-up / paced (s)", r -> cpu(r)));
        md.append(row("relay CPU from start to ready (s)", r -> inProcess(r, decimal(r.readyCpuSeconds))));
        md.append(row("relay peak RSS (MB)", r -> inProcess(r, r.peakRssKb < 0 ? NOT_RUN : fmt(r.peakRssKb / 1024.0))));
        md.append(row("time to ready (s)", r -> decimal(r.readySeconds)));
    }

    /**
     * The targets of issue 15, checked against {@code cdc-relay} (the plain {@code java -jar}), with the image
     * variant's value next to each; memory against the image, which is what sets the JVM's limits.
     */
    private List<String> targets() {
        RelayResult plain = result(BenchOptions.PLAIN);
        RelayResult image = result(BenchOptions.IMAGE);
        RelayResult polling = result(BenchOptions.POLLING);
        List<String> lines = new ArrayList<>();
        lines.add(
                check("cdc-relay: backlog drain ≥ 0.6 × raw ceiling", plain.drain / raw, 0.6, "×", image.drain / raw));
        lines.add(check(
                "cdc-relay: backlog drain ≥ 5 × polling relay",
                plain.drain / polling.drain,
                5,
                "×",
                image.drain / polling.drain));
        lines.add(checkBelow(
                "cdc-relay keeps up with " + options.writers() + " writers at full speed: lag at end of load < 1 s",
                plain.keepUpLagSeconds,
                1,
                "s",
                image.keepUpLagSeconds));
        lines.add(checkAtMost("cdc-relay: paced p50 ≤ 8 ms", plain.paced.p50(), 8, "ms", image.paced.p50()));
        lines.add(checkAtMost("cdc-relay: paced p99 ≤ 25 ms", plain.paced.p99(), 25, "ms", image.paced.p99()));
        lines.add(checkAtMost(
                "cdc-relay: drain with retained rows within 5 % of the empty table (throughput loss)",
                100 * (1 - plain.drainLarge / plain.drain), 5, "%", 100 * (1 - image.drainLarge / image.drain)));
        lines.add(checkAtMost(
                "cdc-relay: paced p99 with retained rows within 5 % of the empty table (p99 increase)",
                100 * (plain.pacedLarge.p99() / plain.paced.p99() - 1),
                5,
                "%",
                100 * (image.pacedLarge.p99() / image.paced.p99() - 1)));
        lines.add(checkAtMost("cdc-relay-image: relay peak RSS ≤ 300 MB", megabytes(image), 300, "MB", Double.NaN)
                + (Double.isNaN(megabytes(plain))
                        ? ""
                        : String.format(" (cdc-relay, JVM defaults: %.1f MB)", megabytes(plain))));
        lines.add(checkAtMost(
                "cdc-relay: streaming (ready) within 5 s of start", plain.readySeconds, 5, "s", image.readySeconds));
        return lines;
    }

    private static double megabytes(RelayResult result) {
        return result.peakRssKb < 0 ? Double.NaN : result.peakRssKb / 1024.0;
    }

    private static String check(String target, double value, double goal, String unit, double image) {
        if (Double.isNaN(value)) {
            return "not measured in this run: " + target;
        }
        // Two decimals, or three where two would round a miss up to the goal (0.598 is not 0.60).
        String format = String.format("%.2f", value).equals(String.format("%.2f", goal)) ? "%.3f" : "%.2f";
        return (value >= goal ? "met: " : "**missed**: ") + target + " — measured " + String.format(format, value)
                + unit + beside(String.format(format, image) + unit, image);
    }

    private static String checkAtMost(String target, double value, double goal, String unit, double image) {
        return checkUpTo(target, value, value <= goal, unit, image);
    }

    private static String checkBelow(String target, double value, double goal, String unit, double image) {
        return checkUpTo(target, value, value < goal, unit, image);
    }

    private static String checkUpTo(String target, double value, boolean met, String unit, double image) {
        if (Double.isNaN(value)) {
            return "not measured in this run: " + target;
        }
        return (met ? "met: " : "**missed**: ") + target + " — measured " + String.format("%.1f", value) + " " + unit
                + beside(String.format("%.1f", image) + " " + unit, image);
    }

    /** The image variant's value next to a target checked against the plain jar, when it was measured. */
    private static String beside(String formatted, double image) {
        return Double.isNaN(image) || Double.isInfinite(image) ? "" : " (cdc-relay-image: " + formatted + ")";
    }

    private String rate(double eventsPerSecond) {
        if (Double.isNaN(eventsPerSecond)) {
            return NOT_RUN;
        }
        return fmt(eventsPerSecond) + " (" + String.format("%.2f", eventsPerSecond / raw) + " × raw)";
    }

    private static String latency(Latency latency) {
        return three(latency.p50(), latency.p95(), latency.p99());
    }

    private static String stall(Stall stall) {
        return three(stall.p99(), stall.p999(), stall.max());
    }

    private static String three(double first, double second, double third) {
        return three(first, second, third, "%.1f");
    }

    /** Three values in one cell; "-" for one a partial run did not measure. */
    private static String three(double first, double second, double third, String format) {
        if (Double.isNaN(first) && Double.isNaN(second) && Double.isNaN(third)) {
            return NOT_RUN;
        }
        StringBuilder cell = new StringBuilder();
        for (double value : new double[] {first, second, third}) {
            cell.append(cell.length() == 0 ? "" : " / ")
                    .append(Double.isNaN(value) ? "-" : String.format(format, value));
        }
        return cell.toString();
    }

    private static String decimal(double value) {
        return Double.isNaN(value) ? NOT_RUN : String.format("%.1f", value);
    }

    /** A row with one cell per relay: {@code cell} of its result, or "not run" where the run did not measure it. */
    private String row(String what, Function<RelayResult, String> cell) {
        StringBuilder row = new StringBuilder("| ").append(what).append(" | |");
        for (String relay : BenchOptions.RELAYS) {
            row.append(' ')
                    .append(relays.containsKey(relay) ? cell.apply(relays.get(relay)) : NOT_RUN)
                    .append(" |");
        }
        return row.append('\n').toString();
    }

    private static String inProcess(RelayResult result, String value) {
        return result.insideBenchmark ? "n/a (runs inside the benchmark)" : value;
    }

    private static String cpu(RelayResult result) {
        return inProcess(result, three(result.drainCpuPer10k, result.keepUpCpuPer10k, result.pacedCpuPer10k, "%.2f"));
    }

    private static String seconds(double value) {
        return Double.isNaN(value) ? NOT_RUN : String.format("%.2f", value);
    }

    private static String fmt(double value) {
        return String.format("%,.0f", value);
    }

    private static String machine() throws Exception {
        String cpu = "unknown CPU";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.exists(cpuinfo)) {
            cpu = Files.readAllLines(cpuinfo).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse(cpu);
        }
        long memoryKb = 0;
        Path meminfo = Path.of("/proc/meminfo");
        if (Files.exists(meminfo)) {
            memoryKb = Files.readAllLines(meminfo).stream()
                    .filter(l -> l.startsWith("MemTotal:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst()
                    .orElse(0);
        }
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), "
                + String.format("%.0f", memoryKb / 1024.0 / 1024.0) + " GiB";
    }
}
