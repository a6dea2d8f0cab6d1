package dev.outboxcdc.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The numbers of one run and their markdown report: the relay table ({@link RelayTable}), the consumer phase
 * ({@link ConsumerResults}) and each target checked ({@link RelayTargets}).
 */
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
            new RelayTable(options, this).appendTo(md);
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
            lines.addAll(RelayTargets.check(this, options.writers()));
        }
        if (consumers != null) {
            lines.addAll(consumers.targets());
        }
        for (String line : lines) {
            md.append("- ").append(line).append('\n');
        }
        return md.toString();
    }

    /** What {@code relay} achieved; all "not run" when this run did not measure it. */
    RelayResult result(String relay) {
        return relays.getOrDefault(relay, new RelayResult());
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
