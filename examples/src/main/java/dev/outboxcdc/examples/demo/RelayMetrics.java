package dev.outboxcdc.examples.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads counters from a service's {@code /actuator/prometheus}; for the relay, the published count and its own latency timer. */
final class RelayMetrics {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The relay's counters at one moment, or the difference of two. */
    record Snapshot(double published, double latencyCount, double latencySeconds) {

        Snapshot minus(Snapshot earlier) {
            return new Snapshot(
                    published - earlier.published,
                    latencyCount - earlier.latencyCount,
                    latencySeconds - earlier.latencySeconds);
        }

        /** The relay's own mean commit-to-publish (to the broker's confirm) over the snapshot's events. */
        double meanLatencyMs() {
            return latencyCount == 0 ? 0 : latencySeconds * 1000 / latencyCount;
        }
    }

    private final String relay;

    RelayMetrics(String relay) {
        this.relay = relay;
    }

    Snapshot snapshot() throws Exception {
        return new Snapshot(
                metric(relay, "outbox_relay_events_published_total"),
                metric(relay, "outbox_relay_commit_to_publish_seconds_count"),
                metric(relay, "outbox_relay_commit_to_publish_seconds_sum"));
    }

    /** The sum over all label sets of {@code name} on {@code baseUrl}'s Prometheus endpoint. */
    static double metric(String baseUrl, String name) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(5))
                .build();
        String body = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? (\\S+)$")
                .matcher(body);
        double sum = 0;
        while (matcher.find()) {
            sum += Double.parseDouble(matcher.group(1));
        }
        return sum;
    }
}
