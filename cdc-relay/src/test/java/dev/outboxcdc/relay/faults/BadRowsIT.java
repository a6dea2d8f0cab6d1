package dev.outboxcdc.relay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Delivery;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.relay.InProcessRelay;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.relay.envelope.MessageFactory;
import dev.outboxcdc.relay.envelope.OutboxMessage;
import dev.outboxcdc.relay.envelope.OutboxRowReader;
import dev.outboxcdc.relay.health.RelayStatus;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import dev.outboxcdc.testsupport.UniqueNames;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Whatever a row holds, it becomes a message or a dead letter: rows the relay used to throw on
 * (infinite or overflowing timestamps, bytea payloads, headers amqp-client refuses) are dead-lettered
 * once each with the reason, the rows around them arrive in order, and the engine never restarts.
 * The JDBC reader, used for leftover PENDING rows, turns the same table into the same messages.
 */
class BadRowsIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String INFINITY = "created_at 'infinity' cannot be represented as an ISO-8601 instant";
    private static final String MINUS_INFINITY = "created_at '-infinity' cannot be represented as an ISO-8601 instant";

    /** Rows of one test: id → (event id, SQL values after id and event id, the dead-letter reason or null). */
    private final Map<String, Row> rows = new LinkedHashMap<>();

    private final String tag = UniqueNames.of("bad");

    private record Row(String eventId, String values, String reason) {}

    @Test
    void deadLettersEveryUnpublishableRowOnceAndDeliversTheOthersInOrder() throws Exception {
        String header300 = "k".repeat(300);
        good("ok-1", "'test.ok', convert_to('{\"n\": 1}', 'UTF8'), now(), NULL");
        bad("infinity", "'test.bad', convert_to('{}', 'UTF8'), 'infinity', NULL", INFINITY);
        good("ok-2", "'test.ok', convert_to('[2]', 'UTF8'), now(), NULL");
        bad("minus-infinity", "'test.bad', convert_to('{}', 'UTF8'), '-infinity', NULL", MINUS_INFINITY);
        good("bc", "'test.ok', convert_to('{}', 'UTF8'), '0044-03-15 12:00:00+00 BC', NULL");
        good("year-10000", "'test.ok', convert_to('{}', 'UTF8'), '10000-01-01 00:00:00+00', NULL");
        good("bytea-json", "'test.ok', convert_to('{\"name\": \"Zoë\"}', 'UTF8'), now(), NULL");
        bad(
                "bytea-latin1",
                "'test.bad', '\\xc3283a'::bytea, now(), NULL",
                "payload bytea is not valid UTF-8 (invalid byte 0xc3 at offset 0)");
        bad(
                "long-header-name",
                "'test.bad', convert_to('{}', 'UTF8'), now(), jsonb_build_object('" + header300 + "', 'v')",
                "headers key '" + "k".repeat(64)
                        + "…' (300 characters) is 300 bytes, over the AMQP limit of 255 bytes for a header name");
        good(
                "scalar-headers",
                "'test.ok', convert_to('{}', 'UTF8'), now(),"
                        + " '{\"s\": \"text\", \"amount\": 12.50, \"yes\": true, \"no\": false}'");
        bad(
                "null-header",
                "'test.bad', convert_to('{}', 'UTF8'), now(), '{\"parent\": null}'",
                "headers key 'parent' holds null; only strings, numbers and booleans become AMQP headers");
        bad(
                "object-header",
                "'test.bad', convert_to('{}', 'UTF8'), now(), '{\"o\": {\"a\": 1}}'",
                "headers key 'o' holds an object; only strings, numbers and booleans become AMQP headers");
        bad(
                "array-header",
                "'test.bad', convert_to('{}', 'UTF8'), now(), '{\"a\": [1]}'",
                "headers key 'a' holds an array; only strings, numbers and booleans become AMQP headers");
        bad(
                "huge-header",
                "'test.bad', convert_to('{}', 'UTF8'), now(), jsonb_build_object('blob', repeat('v', 200000))",
                "AMQP content header of 200108 bytes (properties and headers) exceeds the relay's limit of 65536 bytes");
        good("after-the-bad", "'test.ok', convert_to('{\"n\": 3}', 'UTF8'), now(), NULL");

        Map<String, Delivery> published = relayRows("created_at timestamptz NOT NULL, payload bytea, headers jsonb");

        JsonNode bc = MAPPER.readTree(published.get("bc").getBody());
        assertThat(bc.get("timestamp").textValue()).isEqualTo("-0043-03-15T12:00:00.000000Z");
        assertThat(MAPPER.readTree(published.get("year-10000").getBody())
                        .get("timestamp")
                        .textValue())
                .isEqualTo("+10000-01-01T00:00:00.000000Z");
        assertThat(MAPPER.readTree(published.get("bytea-json").getBody())
                        .get("data")
                        .get("name")
                        .textValue())
                .isEqualTo("Zoë");
        assertThat(published.get("scalar-headers").getProperties().getHeaders())
                .extractingFromEntries(e -> e.getKey() + "=" + e.getValue())
                .containsExactlyInAnyOrder("s=text", "amount=12.50", "yes=true", "no=false");
    }

    @ParameterizedTest(name = "created_at {0}")
    @ValueSource(strings = {"timestamp", "date", "text"})
    void deadLettersInfiniteCreatedAtOfEveryColumnType(String type) throws Exception {
        good(
                "ok-1",
                "'test.ok', '{}', " + (type.equals("text") ? "'2025-12-05T01:02:03.456789Z'" : "now()") + ", NULL");
        bad("infinity", "'test.bad', '{}', 'infinity', NULL", INFINITY);
        good(
                "ok-bc",
                "'test.ok', '{}', " + (type.equals("text") ? "'-0043-03-15T12:00:00Z'" : "'0044-03-15 BC'") + ", NULL");
        bad("minus-infinity", "'test.bad', '{}', '-infinity', NULL", MINUS_INFINITY);
        if (type.equals("timestamp")) {
            bad(
                    "overflow",
                    "'test.bad', '{}', '294276-12-31 23:59:59.999999', NULL",
                    "created_at timestamp after"
                            + " +294247-01-10T04:00:54.775807Z overflows Debezium's microseconds and cannot be represented as an ISO-8601 instant");
        }
        if (type.equals("text")) {
            bad(
                    "not-a-time",
                    "'test.bad', '{}', 'yesterday', NULL",
                    "created_at 'yesterday' is not an ISO-8601 instant");
        }
        good(
                "ok-2",
                "'test.ok', '{\"n\": 2}', " + (type.equals("text") ? "'2025-12-05T03:02:03+02:00'" : "now()")
                        + ", NULL");

        Map<String, Delivery> published = relayRows("created_at " + type + ", payload jsonb, headers jsonb");

        assertThat(MAPPER.readTree(published.get("ok-bc").getBody())
                        .get("timestamp")
                        .textValue())
                .startsWith("-0043-");
    }

    private void good(String id, String values) {
        rows.put(tag + "-" + id, new Row(UUID.randomUUID().toString(), values, null));
    }

    private void bad(String id, String values, String reason) {
        rows.put(tag + "-" + id, new Row(UUID.randomUUID().toString(), values, reason));
    }

    /**
     * Creates the table with {@code columns}, starts a relay, inserts {@link #rows} one transaction
     * each, then checks what arrived; returns the published messages by row id (without the tag).
     */
    private Map<String, Delivery> relayRows(String columns) throws Exception {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        ListAppender<ILoggingEvent> states = new ListAppender<>();
        Logger statusLog = (Logger) LoggerFactory.getLogger(RelayStatus.class);
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.execute("CREATE TABLE outbox_events (id text PRIMARY KEY, event_id text, event_type text,"
                    + " status text NOT NULL DEFAULT 'PENDING', " + columns + ")");
            RelaySettings settings = RelaySettings.of(db, rabbit);
            rabbit.declareEventsExchange(settings.exchange());
            try (TestQueue events = rabbit.bind(settings.exchange(), "#");
                    InProcessRelay relay = InProcessRelay.startReady(settings);
                    // A queue of our own on the fanout exchange the relay declared: tests running in parallel
                    // that consume the shared queue outbox.dead-letter take no messages from us.
                    TestQueue deadLetters = rabbit.bind(OutboxAmqp.DEAD_LETTER, "")) {
                // After start-up: Spring Boot resets logging while it starts.
                states.start();
                statusLog.addAppender(states);
                for (Map.Entry<String, Row> row : rows.entrySet()) {
                    db.execute("INSERT INTO outbox_events (id, event_id, event_type, payload, created_at"
                            + ", headers) VALUES ('" + row.getKey() + "', '"
                            + row.getValue().eventId() + "', " + row.getValue().values() + ")");
                }
                List<String> goodEventIds = rows.values().stream()
                        .filter(r -> r.reason() == null)
                        .map(Row::eventId)
                        .toList();
                long badCount =
                        rows.values().stream().filter(r -> r.reason() != null).count();

                events.awaitAtLeast(goodEventIds.size(), Duration.ofSeconds(60));
                Awaitility.await("dead letters")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> ours(deadLetters).size() >= badCount);

                assertThat(events.messageIds())
                        .as("the good rows, in commit order, once each")
                        .containsExactlyElementsOf(goodEventIds);
                Map<String, String> reasons = new HashMap<>();
                for (Delivery dead : ours(deadLetters)) {
                    String id = MAPPER.readTree(dead.getBody()).get("id").textValue();
                    String previous = reasons.put(
                            id, String.valueOf(dead.getProperties().getHeaders().get("x-outbox-error")));
                    assertThat(previous).as("dead-lettered once: " + id).isNull();
                }
                Map<String, String> expected = new HashMap<>();
                rows.forEach((id, row) -> {
                    if (row.reason() != null) {
                        expected.put(id, row.reason());
                    }
                });
                assertThat(reasons).containsExactlyInAnyOrderEntriesOf(expected);
                assertThat(relay.isReady()).isTrue();
                assertThat(relay.context()
                                .getBean(MeterRegistry.class)
                                .get("outbox.relay.events.dead.lettered")
                                .counter()
                                .count())
                        .isEqualTo(badCount);
                assertThat(states.list)
                        .extracting(ILoggingEvent::getFormattedMessage)
                        .as("the engine never restarted")
                        .noneMatch(line -> line.contains("RECONNECTING") || line.contains("FAILED"));

                Map<String, Delivery> published = new HashMap<>();
                for (Delivery delivery : events.deliveries()) {
                    rows.forEach((id, row) -> {
                        if (row.eventId().equals(delivery.getProperties().getMessageId())) {
                            published.put(id.substring(tag.length() + 1), delivery);
                        }
                    });
                }
                assertSameMessagesFromJdbc(db, published, reasons);
                return published;
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        } finally {
            statusLog.detachAppender(states);
        }
    }

    /** What {@link OutboxRowReader#read(ResultSet)} makes of the same table is what the WAL path published. */
    private void assertSameMessagesFromJdbc(
            TestDatabase db, Map<String, Delivery> published, Map<String, String> reasons) throws Exception {
        MessageFactory factory = new MessageFactory("x", 16L << 20);
        try (Connection connection = db.connect();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT * FROM outbox_events")) {
            int read = 0;
            while (rs.next()) {
                OutboxMessage message = factory.toMessage(OutboxRowReader.read(rs));
                String id = message.row().id();
                if (message.isDeadLetter()) {
                    assertThat(message.deadLetterReason()).as("JDBC " + id).isEqualTo(reasons.get(id));
                } else {
                    Delivery delivery = published.get(id.substring(tag.length() + 1));
                    assertThat(new String(message.body(), StandardCharsets.UTF_8))
                            .as("JDBC " + id)
                            .isEqualTo(new String(delivery.getBody(), StandardCharsets.UTF_8));
                    assertThat(asText(message.properties().getHeaders()))
                            .as("JDBC " + id)
                            .isEqualTo(asText(delivery.getProperties().getHeaders()));
                }
                read++;
            }
            assertThat(read).isEqualTo(rows.size());
        }
    }

    /** Headers with every value as text (a delivered string header is a LongString). */
    private static Map<String, String> asText(Map<String, Object> headers) {
        Map<String, String> text = new HashMap<>();
        if (headers != null) {
            headers.forEach((key, value) -> text.put(key, String.valueOf(value)));
        }
        return text;
    }

    private List<Delivery> ours(TestQueue deadLetters) {
        List<Delivery> ours = new ArrayList<>();
        for (Delivery delivery : deadLetters.deliveries()) {
            try {
                JsonNode id = MAPPER.readTree(delivery.getBody()).path("id");
                if (rows.containsKey(id.asText())) {
                    ours.add(delivery);
                }
            } catch (IOException e) {
                // another test's dead letter
            }
        }
        return ours;
    }
}
