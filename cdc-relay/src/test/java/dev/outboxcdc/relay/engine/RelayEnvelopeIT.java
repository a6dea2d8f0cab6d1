package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Delivery;
import dev.outboxcdc.relay.InProcessRelay;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every committed insert becomes exactly the envelope and AMQP message the README describes. */
class RelayEnvelopeIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CREATED_AT = "2025-12-05T01:02:03.456789Z";
    /** The same instant written with another offset: the envelope must still carry it in UTC. */
    private static final String CREATED_AT_IN_BERLIN = "2025-12-05 02:02:03.456789+01";

    private static final String PAYLOAD = "{\"name\": \"Ada\", \"salary\": 12.50, \"big\": 12345678901234567890.123,"
            + " \"tags\": [\"a\", \"b\"], \"nested\": {\"ok\": true, \"none\": null}}";

    @ParameterizedTest(name = "payload column of type {0}")
    @ValueSource(strings = {"jsonb", "json", "text"})
    void publishesTheEnvelopeAndPropertiesForEveryPayloadColumnType(String payloadType) throws Exception {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        boolean optionalColumns = payloadType.equals("jsonb");
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.execute("CREATE TABLE outbox_events (id uuid PRIMARY KEY, event_id uuid NOT NULL UNIQUE,"
                    + " event_type text NOT NULL, payload " + payloadType
                    + " NOT NULL, status text NOT NULL DEFAULT 'PENDING',"
                    + " created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now()"
                    + (optionalColumns ? ", aggregate_type text, aggregate_id text, headers jsonb" : "") + ")");
            RelaySettings settings = RelaySettings.of(db, rabbit);
            rabbit.declareEventsExchange(settings.exchange());
            try (TestQueue queue = rabbit.bind(settings.exchange(), "#");
                    InProcessRelay relay = InProcessRelay.startReady(settings)) {
                UUID plain = UUID.randomUUID();
                UUID withExtras = UUID.randomUUID();
                insert(db, plain, "employee.created", PAYLOAD, null);
                if (optionalColumns) {
                    insert(
                            db,
                            withExtras,
                            "employee.updated",
                            "[1, 2.0, \"three\"]",
                            "'Employee', 'emp-42', '{\"traceparent\": \"00-abc-def-01\", \"retries\": 3}'");
                }
                db.execute(
                        "UPDATE outbox_events SET status = 'PUBLISHED', payload = '{\"changed\": 1}'",
                        "DELETE FROM outbox_events WHERE event_id = '" + plain + "'");
                UUID marker = UUID.randomUUID();
                insert(db, marker, "test.marker", "{}", null);

                int expected = optionalColumns ? 3 : 2;
                List<Delivery> deliveries = queue.awaitAtLeast(expected, Duration.ofSeconds(30));
                assertThat(deliveries)
                        .extracting(d -> d.getProperties().getMessageId())
                        .as("inserts only, in commit order; the UPDATE and DELETE publish nothing")
                        .containsExactlyElementsOf(
                                optionalColumns
                                        ? List.of(plain.toString(), withExtras.toString(), marker.toString())
                                        : List.of(plain.toString(), marker.toString()));

                Delivery first = deliveries.get(0);
                JsonNode body = MAPPER.readTree(first.getBody());
                assertThat(fieldNames(body)).containsExactly("eventId", "eventType", "timestamp", "data");
                assertThat(body.get("eventId").textValue()).isEqualTo(plain.toString());
                assertThat(body.get("eventType").textValue()).isEqualTo("employee.created");
                assertThat(body.get("data").isObject())
                        .as("data is a JSON object, not a string holding JSON")
                        .isTrue();
                assertThat(body.get("data")).isEqualTo(MAPPER.readTree(PAYLOAD));
                assertThat(new String(first.getBody(), StandardCharsets.UTF_8))
                        .as("numbers keep their exact text")
                        .contains("12.50")
                        .contains("12345678901234567890.123");
                assertThat(body.get("timestamp").textValue())
                        .as("created_at in UTC, microseconds kept")
                        .isEqualTo("2025-12-05T01:02:03.456789Z");
                Instant createdAt = Instant.parse(CREATED_AT);

                assertThat(first.getEnvelope().getExchange()).isEqualTo(settings.exchange());
                assertThat(first.getEnvelope().getRoutingKey()).isEqualTo("employee.created");
                assertThat(first.getProperties().getType()).isEqualTo("employee.created");
                assertThat(first.getProperties().getContentType()).isEqualTo("application/json");
                assertThat(first.getProperties().getDeliveryMode()).isEqualTo(2);
                assertThat(first.getProperties().getTimestamp())
                        .isEqualTo(Date.from(createdAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
                assertThat(first.getProperties().getHeaders()).isNull();

                if (optionalColumns) {
                    Delivery second = deliveries.get(1);
                    assertThat(MAPPER.readTree(second.getBody()).get("data"))
                            .isEqualTo(MAPPER.readTree("[1, 2.0, \"three\"]"));
                    Map<String, Object> headers = second.getProperties().getHeaders();
                    assertThat(headers).containsOnlyKeys("aggregate_type", "aggregate_id", "traceparent", "retries");
                    assertThat(headers.get("aggregate_type")).hasToString("Employee");
                    assertThat(headers.get("aggregate_id")).hasToString("emp-42");
                    assertThat(headers.get("traceparent")).hasToString("00-abc-def-01");
                    assertThat(headers.get("retries"))
                            .as("a number becomes its JSON text")
                            .hasToString("3");
                }
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    private static void insert(TestDatabase db, UUID eventId, String type, String payload, String extras) {
        db.execute("INSERT INTO outbox_events (id, event_id, event_type, payload, created_at"
                + (extras == null ? "" : ", aggregate_type, aggregate_id, headers") + ") VALUES ('" + UUID.randomUUID()
                + "', '" + eventId + "', '" + type + "', '" + payload + "', '" + CREATED_AT_IN_BERLIN + "'"
                + (extras == null ? "" : ", " + extras) + ")");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
