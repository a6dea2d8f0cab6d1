package dev.outboxcdc.bench;

import java.util.function.Function;

/** The relay part of the benchmark report: how each relay ran, the workload, and one table row per measurement. */
final class RelayTable {

    private static final String NOT_RUN = "not run";

    private final BenchOptions options;
    private final Results results;

    RelayTable(BenchOptions options, Results results) {
        this.options = options;
        this.results = results;
    }

    void appendTo(StringBuilder md) {
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
        md.append("| writers alone (inserts/s) | ")
                .append(fmt(results.writersAlone))
                .append(" | | | |\n");
        md.append("| confirmed publishes/s (plain amqp-client publisher) | ")
                .append(fmt(results.raw))
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

    /** A row with one cell per relay: {@code cell} of its result, or "not run" where the run did not measure it. */
    private String row(String what, Function<Results.RelayResult, String> cell) {
        StringBuilder row = new StringBuilder("| ").append(what).append(" | |");
        for (String relay : BenchOptions.RELAYS) {
            row.append(' ')
                    .append(results.relays.containsKey(relay) ? cell.apply(results.relays.get(relay)) : NOT_RUN)
                    .append(" |");
        }
        return row.append('\n').toString();
    }

    private String rate(double eventsPerSecond) {
        if (Double.isNaN(eventsPerSecond)) {
            return NOT_RUN;
        }
        return fmt(eventsPerSecond) + " (" + String.format("%.2f", eventsPerSecond / results.raw) + " × raw)";
    }

    private static String latency(Results.Latency latency) {
        return three(latency.p50(), latency.p95(), latency.p99());
    }

    private static String stall(Results.Stall stall) {
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

    private static String inProcess(Results.RelayResult result, String value) {
        return result.insideBenchmark ? "n/a (runs inside the benchmark)" : value;
    }

    private static String cpu(Results.RelayResult result) {
        return inProcess(result, three(result.drainCpuPer10k, result.keepUpCpuPer10k, result.pacedCpuPer10k, "%.2f"));
    }

    private static String seconds(double value) {
        return Double.isNaN(value) ? NOT_RUN : String.format("%.2f", value);
    }

    private static String fmt(double value) {
        return String.format("%,.0f", value);
    }
}
