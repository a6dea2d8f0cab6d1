package dev.outboxcdc.relay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Delivery;
import dev.outboxcdc.relay.InProcessRelay;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Rows that cannot become an envelope are dead-lettered once each, with the reason, and the stream goes on. */
class PoisonRowsIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void deadLettersEveryKindOfPoisonRowOnceAndDeliversTheValidOnesInOrder() throws Exception {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            // A legacy table loose enough to hold every kind of bad row.
            db.execute("CREATE TABLE outbox_events (id text PRIMARY KEY, event_id text, event_type text, payload text,"
                    + " status text NOT NULL DEFAULT 'PENDING', created_at timestamptz NOT NULL DEFAULT now())");
            RelaySettings settings = RelaySettings.of(db, rabbit).with("outbox.max-envelope-size", "2KB");
            rabbit.declareEventsExchange(settings.exchange());
            // A copy of every dead letter, without competing with other consumers of the shared queue.
            rabbit.withChannel(
                    channel -> channel.exchangeDeclare("outbox.dead-letter", BuiltinExchangeType.FANOUT, true));
            Map<String, String> expectedReasons = Map.of(
                    "bad-json", "payload is not valid JSON",
                    "null-type", "event_type is missing or blank",
                    "blank-type", "event_type is missing or blank",
                    "null-id", "event_id is missing",
                    "bad-id", "event_id is not a UUID",
                    "too-big", "exceeds outbox.max-envelope-size of 2048 bytes");
            try (TestQueue events = rabbit.bind(settings.exchange(), "#");
                    TestQueue deadLetters = rabbit.bind("outbox.dead-letter", "");
                    InProcessRelay relay = InProcessRelay.startReady(settings)) {
                String big = "x".repeat(3000);
                db.execute("INSERT INTO outbox_events (id, event_id, event_type, payload) VALUES"
                        + " ('ok-1', '00000000-0000-0000-0000-00000000000a', 'test.ok', '{\"n\": 1}'),"
                        + " ('bad-json', '00000000-0000-0000-0000-00000000000b', 'test.bad', '{not json'),"
                        + " ('ok-2', '00000000-0000-0000-0000-00000000000c', 'test.ok', '[2]'),"
                        + " ('null-type', '00000000-0000-0000-0000-00000000000d', NULL, '{}'),"
                        + " ('blank-type', '00000000-0000-0000-0000-00000000000e', '   ', '{}'),"
                        + " ('null-id', NULL, 'test.bad', '{}'),"
                        + " ('ok-3', '00000000-0000-0000-0000-00000000000f', 'test.ok', '\"three\"'),"
                        + " ('bad-id', 'not-a-uuid', 'test.bad', '{}'),"
                        + " ('too-big', '00000000-0000-0000-0000-000000000010', 'test.bad', '{\"big\": \"" + big
                        + "\"}'),"
                        + " ('ok-4', '00000000-0000-0000-0000-000000000011', 'test.ok', '{\"n\": 4}')");

                events.awaitAtLeast(4, Duration.ofSeconds(30));
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> ours(deadLetters.deliveries()).size() >= 6);
                // A marker after the poison rows proves the relay went on (and lets late duplicates show).
                db.execute("INSERT INTO outbox_events (id, event_id, event_type, payload) VALUES"
                        + " ('ok-5', '00000000-0000-0000-0000-000000000012', 'test.ok', '{}')");
                events.awaitAtLeast(5, Duration.ofSeconds(30));

                assertThat(events.messageIds())
                        .containsExactly(
                                "00000000-0000-0000-0000-00000000000a",
                                "00000000-0000-0000-0000-00000000000c",
                                "00000000-0000-0000-0000-00000000000f",
                                "00000000-0000-0000-0000-000000000011",
                                "00000000-0000-0000-0000-000000000012");
                Map<String, String> reasons = new HashMap<>();
                for (Delivery dead : ours(deadLetters.deliveries())) {
                    JsonNode columns = MAPPER.readTree(dead.getBody());
                    String previous = reasons.put(
                            columns.get("id").textValue(),
                            dead.getProperties()
                                    .getHeaders()
                                    .get("x-outbox-error")
                                    .toString());
                    assertThat(previous)
                            .as("dead-lettered once: " + columns.get("id"))
                            .isNull();
                }
                assertThat(reasons).hasSize(6);
                expectedReasons.forEach(
                        (row, reason) -> assertThat(reasons.get(row)).as(row).contains(reason));
                double counted = relay.context()
                        .getBean(MeterRegistry.class)
                        .get("outbox.relay.events.dead.lettered")
                        .counter()
                        .count();
                assertThat(counted).isEqualTo(6.0);
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    private static List<Delivery> ours(List<Delivery> deliveries) {
        return deliveries.stream()
                .filter(d -> {
                    try {
                        String id = MAPPER.readTree(d.getBody()).path("id").asText();
                        return List.of("bad-json", "null-type", "blank-type", "null-id", "bad-id", "too-big")
                                .contains(id);
                    } catch (java.io.IOException e) {
                        return false;
                    }
                })
                .toList();
    }
}
