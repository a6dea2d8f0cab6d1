package dev.outboxcdc.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The relay targets of issue 15, checked against {@code cdc-relay} (the plain {@code java -jar}), with the image
 * variant's value next to each; memory against the image, which is what sets the JVM's limits.
 */
final class RelayTargets {

    private RelayTargets() {}

    /** One line per target: met, missed, or not measured in this run. */
    static List<String> check(Results results, int writers) {
        Results.RelayResult plain = results.result(BenchOptions.PLAIN);
        Results.RelayResult image = results.result(BenchOptions.IMAGE);
        Results.RelayResult polling = results.result(BenchOptions.POLLING);
        double raw = results.raw;
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
                "cdc-relay keeps up with " + writers + " writers at full speed: lag at end of load < 1 s",
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

    private static double megabytes(Results.RelayResult result) {
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
}
