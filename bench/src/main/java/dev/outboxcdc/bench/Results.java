package dev.outboxcdc.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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

    /** What one relay achieved; NaN where a phase did not run. */
    static final class RelayResult {
        double readySeconds = Double.NaN;
        double drain = Double.NaN;
        double concurrent = Double.NaN;
        Latency paced = Latency.NOT_RUN;
        Stall pacedStalls = Stall.NOT_RUN;
        double drainLarge = Double.NaN;
        Latency pacedLarge = Latency.NOT_RUN;
        long peakRssKb = -1;
    }

    private static final String NOT_RUN = "not run";

    private final BenchOptions options;
    private final Instant when;
    double raw;
    double writersAlone;
    RelayResult cdc = new RelayResult();
    RelayResult polling = new RelayResult();
    /** The consumer phase, or null when it did not run. */
    ConsumerResults consumers;

    Results(BenchOptions options, Instant when) {
        this.options = options;
        this.when = when;
    }

    String markdown(String broker, String postgres) throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Written by `scripts/bench.sh").append(options.quick() ? " --quick" : "").append("` on ").append(when)
                .append(". Every number below comes from that run; run it again to reproduce.\n\n");
        md.append("Machine: ").append(machine()).append("; ").append(postgres).append(", ").append(broker)
                .append(", Java ").append(System.getProperty("java.version"))
                .append(". PostgreSQL, RabbitMQ, the relay, the writers and the consumer share the machine.\n\n");
        if (options.runsRelays()) {
            relays(md);
        }
        if (consumers != null) {
            md.append(options.runsRelays() ? "\n" : "").append(consumers.markdown());
        }
        md.append("\n## Targets\n\n");
        if (!options.complete()) {
            md.append("A partial run (relays ").append(String.join(", ", options.relays())).append("; phases ")
                    .append(String.join(", ", options.phases())).append("): targets of what it did not run say"
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

    private void relays(StringBuilder md) {
        boolean shared = CdcRelay.classDataArchive(options.relayJar()) != null;
        md.append("cdc-relay runs as a process of its own: `java ").append(CdcRelay.JVM_OPTIONS)
                .append(shared ? " -XX:SharedArchiveFile=cdc-relay.jsa" : "")
                .append(" -jar ").append(options.relayJar().getFileName()).append('`')
                .append(shared ? " (extracted, with a class-data sharing archive, as `scripts/relay-cds.sh` prepares it)" : "")
                .append(".\n\n");
        md.append("Workload: ").append(options.writers()).append(" concurrent writers (outbox-writer), transactions of ")
                .append(Workload.ROWS_PER_TRANSACTION).append(" rows, ~").append(Workload.PAYLOAD.length())
                .append("-byte JSON payloads; ").append(String.format("%,d", options.events()))
                .append(" events per throughput phase; paced phase ").append(options.pacedRate()).append(" events/s for ")
                .append(options.pacedSeconds()).append(" s after a warm-up; large-table drain with ")
                .append(String.format("%,d", options.retained())).append(" rows retained. A consumer bound with `#` checks that")
                .append(" every event arrived and measures commit-to-consume latency from the envelope's `timestamp`.\n\n");
        md.append("| | raw ceiling | cdc-relay | polling relay |\n|---|---|---|---|\n");
        md.append(row("writers alone (inserts/s)", fmt(writersAlone), "", ""));
        md.append(row("confirmed publishes/s (plain amqp-client publisher)", fmt(raw), "", ""));
        md.append(row("backlog drain (events/s)", "", rate(cdc.drain), rate(polling.drain)));
        md.append(row("concurrent max (events/s)", "", rate(cdc.concurrent), rate(polling.concurrent)));
        md.append(row("paced " + options.pacedRate() + "/s: p50 / p95 / p99 (ms)", "", latency(cdc.paced),
                latency(polling.paced)));
        md.append(row("machine stalls while paced: a thread sleeping 1 ms wakes late by p99 / p99.9 / max (ms)", "",
                stall(cdc.pacedStalls), stall(polling.pacedStalls)));
        String retained = String.format("%,d", options.retained()) + " retained rows";
        md.append(row("backlog drain with " + retained + " (events/s)", "", rate(cdc.drainLarge), rate(polling.drainLarge)));
        md.append(row("paced with " + retained + ": p50 / p95 / p99 (ms)", "", latency(cdc.pacedLarge),
                latency(polling.pacedLarge)));
        md.append(row("relay peak RSS (MB)", "", cdc.peakRssKb < 0 ? NOT_RUN : fmt(cdc.peakRssKb / 1024.0),
                "n/a (runs inside the benchmark)"));
        md.append(row("time to ready (s)", "", decimal(cdc.readySeconds), decimal(polling.readySeconds)));
    }

    private List<String> targets() {
        List<String> lines = new ArrayList<>();
        lines.add(check("backlog drain ≥ 0.5 × raw ceiling", cdc.drain / raw, 0.5, "×"));
        lines.add(check("backlog drain ≥ 5 × polling relay", cdc.drain / polling.drain, 5, "×"));
        lines.add(checkAtMost("paced p50 ≤ 8 ms", cdc.paced.p50(), 8, "ms"));
        lines.add(checkAtMost("paced p99 ≤ 25 ms", cdc.paced.p99(), 25, "ms"));
        lines.add(checkAtMost("drain with retained rows within 5 % of the empty table (throughput loss)",
                100 * (1 - cdc.drainLarge / cdc.drain), 5, "%"));
        lines.add(checkAtMost("paced p99 with retained rows within 5 % of the empty table (p99 increase)",
                100 * (cdc.pacedLarge.p99() / cdc.paced.p99() - 1), 5, "%"));
        lines.add(checkAtMost("relay peak RSS ≤ 300 MB", cdc.peakRssKb < 0 ? Double.NaN : cdc.peakRssKb / 1024.0, 300, "MB"));
        lines.add(checkAtMost("ready within 5 s of start", cdc.readySeconds, 5, "s"));
        return lines;
    }

    private static String check(String target, double value, double goal, String unit) {
        if (Double.isNaN(value)) {
            return "not measured in this run: " + target;
        }
        return (value >= goal ? "met: " : "**missed**: ") + target + " — measured " + String.format("%.2f", value) + unit;
    }

    private static String checkAtMost(String target, double value, double goal, String unit) {
        if (Double.isNaN(value)) {
            return "not measured in this run: " + target;
        }
        return (value <= goal ? "met: " : "**missed**: ") + target + " — measured " + String.format("%.1f", value) + " " + unit;
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
        return Double.isNaN(first) ? NOT_RUN : String.format("%.1f / %.1f / %.1f", first, second, third);
    }

    private static String decimal(double value) {
        return Double.isNaN(value) ? NOT_RUN : String.format("%.1f", value);
    }

    private static String row(String what, String raw, String cdc, String polling) {
        return "| " + what + " | " + raw + " | " + cdc + " | " + polling + " |\n";
    }

    private static String fmt(double value) {
        return String.format("%,.0f", value);
    }

    private static String machine() throws Exception {
        String cpu = "unknown CPU";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.exists(cpuinfo)) {
            cpu = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        }
        long memoryKb = 0;
        Path meminfo = Path.of("/proc/meminfo");
        if (Files.exists(meminfo)) {
            memoryKb = Files.readAllLines(meminfo).stream().filter(l -> l.startsWith("MemTotal:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0);
        }
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), "
                + String.format("%.0f", memoryKb / 1024.0 / 1024.0) + " GiB";
    }
}
