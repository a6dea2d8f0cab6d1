package dev.outboxcdc.relay.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outboxcdc.relay.OutboxRows;
import dev.outboxcdc.relay.RelayProcess;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** An operator's view of a running relay: Prometheus values that move, and JSON logs on request. */
class MetricsIT {

    @Test
    void prometheusMetricsMoveWithTheTrafficAndLogsAreJsonWhenAsked() throws Exception {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            db.execute("ALTER TABLE outbox_events ALTER COLUMN payload TYPE text");
            RelaySettings settings = RelaySettings.of(db, rabbit)
                    .with("logging.structured.format.console", "ecs")
                    .with("outbox.heartbeat-interval", "1s");
            rabbit.declareEventsExchange(settings.exchange());
            try (TestQueue queue = rabbit.bind(settings.exchange(), "routed.#");
                    RelayProcess relay = RelayProcess.start(settings, "metrics").awaitReady(Duration.ofSeconds(60))) {
                assertThat(metric(relay, "outbox_relay_ready")).isEqualTo(1.0);
                double published = metric(relay, "outbox_relay_events_published_total");
                double latencyCount = metric(relay, "outbox_relay_commit_to_publish_seconds_count");

                for (int i = 0; i < 5; i++) {
                    OutboxRows.insertOne(db, "routed.event");
                }
                OutboxRows.insertOne(db, "nobody.listens");
                db.execute("INSERT INTO outbox_events (id, event_id, event_type, payload)"
                        + " VALUES (gen_random_uuid(), gen_random_uuid(), 'routed.event', 'not json')");
                queue.awaitAtLeast(5, Duration.ofSeconds(30));

                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> metric(relay, "outbox_relay_events_published_total") == published + 6
                                && metric(relay, "outbox_relay_commit_to_publish_seconds_count") == latencyCount + 6
                                && metric(relay, "outbox_relay_events_dead_lettered_total") == 1.0
                                && metric(relay, "outbox_relay_events_unrouted_total") == 1.0
                                && metric(relay, "outbox_relay_replication_slot_lag_bytes") >= 0);
                assertThat(scrape(relay)).contains("outbox_relay_commit_to_publish_seconds_bucket");

                String firstLine = relay.log()
                        .lines()
                        .filter(l -> l.startsWith("{"))
                        .findFirst()
                        .orElseThrow();
                assertThat(new ObjectMapper().readTree(firstLine).has("@timestamp"))
                        .as("ECS JSON log lines")
                        .isTrue();
                assertThat(relay.log()).contains("STARTING -> STREAMING");
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    private static double metric(RelayProcess relay, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? (\\S+)$")
                .matcher(scrape(relay));
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
    }

    private static String scrape(RelayProcess relay) {
        return relay.httpGet("/actuator/prometheus");
    }
}
