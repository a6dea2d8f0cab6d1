package dev.outboxcdc.examples.demo;

import dev.outboxcdc.examples.demo.DemoDatabase.Effects;
import dev.outboxcdc.examples.demo.LoadGenerator.Phase;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The demo's report over the measured load: what was written, published and applied, commit-to-publish and
 * commit-to-effect (p50/p95/p99) of the paced load and of the burst, and whether each consumer kept up. Its
 * last line is the one scripts and tests parse; its latencies are the paced load's.
 */
record DemoReport(
        double rate,
        Phase paced,
        Phase burst,
        List<EventKind> measured,
        Map<String, Long> expected,
        Map<String, Long> backlog,
        Map<String, Effects> pacedEffects,
        Map<String, Effects> burstEffects,
        List<Double> pacedPublishMs,
        List<Double> burstPublishMs,
        RelayMetrics.Snapshot relay,
        double duplicates,
        Instant burstFrom) {

    private static final Effects NONE = new Effects(0, 0, 0, 0, Instant.EPOCH);

    double published() {
        return relay.published();
    }

    long consumed() {
        return count(pacedEffects.get(DemoDatabase.ALL)) + count(burstEffects.get(DemoDatabase.ALL));
    }

    void print(PrintStream out) {
        Effects pacedAll = pacedEffects.getOrDefault(DemoDatabase.ALL, NONE);
        Effects burstAll = burstEffects.getOrDefault(DemoDatabase.ALL, NONE);
        out.println();
        out.println("Outbox CDC demo report");
        out.printf(
                "  paced load         %5d events at %.0f/s offered, %.1f/s sent (HTTP p50 %.1f ms, p99 %.1f ms; driver at most"
                        + " %.1f ms behind schedule)%n",
                paced.sent(), rate, paced.rate(), paced.httpP50Ms(), paced.httpP99Ms(), paced.maxLateMs());
        out.printf(
                "  burst              %5d events at once (%d in flight), sent in %.2f s, all applied %.2f s after it began%n",
                burst.sent(),
                LoadGenerator.MAX_IN_FLIGHT,
                burst.seconds(),
                Duration.between(burstFrom, burstAll.lastEffect()).toMillis() / 1000.0);
        out.printf("  events written     %5d (%s)%n", measured.size(), written());
        out.printf("  events published   %5.0f (cdc-relay, confirmed by RabbitMQ)%n", relay.published());
        out.printf(
                "  commit-to-publish  paced %s; burst %s (tap queue on outbox.events; relay's own metric: mean %.1f ms)%n",
                quantiles(pacedPublishMs), quantiles(burstPublishMs), relay.meanLatencyMs());
        out.printf(
                "  commit-to-effect   paced p50 %.1f ms, p95 %.1f ms, p99 %.1f ms; burst p50 %.1f ms, p99 %.1f ms%n",
                pacedAll.p50Ms(), pacedAll.p95Ms(), pacedAll.p99Ms(), burstAll.p50Ms(), burstAll.p99Ms());
        for (EventKind kind : EventKind.values()) {
            String consumer = kind.consumer();
            Effects paced = pacedEffects.getOrDefault(consumer, NONE);
            long applied = paced.count() + count(burstEffects.get(consumer));
            long behind = backlog.get(consumer);
            double keptUpBelow = Math.max(1, rate * DemoDriver.KEPT_UP.toMillis() / 1000.0 * share(kind));
            out.printf(
                    "  consumed by %-12s %5d of %d (queue %s): paced p50 %.1f ms, p95 %.1f ms, p99 %.1f ms; %s (backlog %d at the"
                            + " end of the paced load)%n",
                    consumer,
                    applied,
                    expected.get(consumer),
                    kind.queue(),
                    paced.p50Ms(),
                    paced.p95Ms(),
                    paced.p99Ms(),
                    behind < keptUpBelow ? "kept up" : "FELL BEHIND",
                    behind);
        }
        out.printf("  duplicates skipped %5.0f%n", duplicates);
        out.printf(
                "demo: written=%d published=%.0f consumed=%d duplicates_skipped=%.0f p50_ms=%.1f p99_ms=%.1f"
                        + " publish_p50_ms=%.1f publish_p99_ms=%.1f%n",
                measured.size(),
                relay.published(),
                consumed(),
                duplicates,
                pacedAll.p50Ms(),
                pacedAll.p99Ms(),
                Quantiles.of(pacedPublishMs, 0.50),
                Quantiles.of(pacedPublishMs, 0.99));
    }

    private String written() {
        StringBuilder text = new StringBuilder();
        for (EventKind kind : EventKind.values()) {
            text.append(text.isEmpty() ? "" : ", ")
                    .append(measured.stream().filter(k -> k == kind).count())
                    .append(' ')
                    .append(kind.eventType());
        }
        return text.toString();
    }

    private double share(EventKind kind) {
        return (double) measured.stream().filter(k -> k == kind).count() / measured.size();
    }

    private static String quantiles(List<Double> sortedMs) {
        return String.format(
                "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms",
                Quantiles.of(sortedMs, 0.50), Quantiles.of(sortedMs, 0.95), Quantiles.of(sortedMs, 0.99));
    }

    private static long count(Effects effects) {
        return effects == null ? 0 : effects.count();
    }
}
