package dev.outboxcdc.relay.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessageFactoryTest {

    private static final String ID = "6f1c2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b";
    private static final String CREATED = "2025-12-05T01:02:03.456789Z";
    private final MessageFactory factory = new MessageFactory("outbox.events", 2048);

    @Test
    void buildsTheEnvelopeAndItsProperties() {
        OutboxMessage message = factory.toMessage(row(
                ID,
                "employee.created",
                "{\"a\": 1}",
                true,
                "Employee",
                "42",
                "{\"traceparent\": \"00-1-2-01\", \"n\": 5}"));

        assertThat(message.isDeadLetter()).isFalse();
        assertThat(message.exchange()).isEqualTo("outbox.events");
        assertThat(message.routingKey()).isEqualTo("employee.created");
        assertThat(new String(message.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"eventId\":\"" + ID + "\",\"eventType\":\"employee.created\",\"timestamp\":\"" + CREATED
                        + "\",\"data\":{\"a\": 1}}");
        assertThat(message.properties().getMessageId()).isEqualTo(ID);
        assertThat(message.properties().getType()).isEqualTo("employee.created");
        assertThat(message.properties().getContentType()).isEqualTo("application/json");
        assertThat(message.properties().getDeliveryMode()).isEqualTo(2);
        assertThat(message.properties().getTimestamp()).isEqualTo(Date.from(java.time.Instant.parse(CREATED)));
        assertThat(message.properties().getHeaders())
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                        "aggregate_type", "Employee", "aggregate_id", "42", "traceparent", "00-1-2-01", "n", "5"));
    }

    @ParameterizedTest(name = "{5}")
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "NULL|employee.created|{}|true|NULL|event_id is missing",
                "not-a-uuid|employee.created|{}|true|NULL|event_id is not a UUID",
                ID + "|NULL|{}|true|NULL|event_type is missing or blank",
                ID + "|'  '|{}|true|NULL|event_type is missing or blank",
                ID + "|employee.created|NULL|true|NULL|payload is missing",
                ID + "|employee.created|{not json|false|NULL|payload is not valid JSON",
                ID + "|employee.created|{}|true|[1]|headers is not a JSON object",
            })
    void deadLettersARowThatCannotBecomeAnEnvelope(
            String eventId, String type, String payload, boolean payloadIsJson, String headers, String reason)
            throws Exception {
        OutboxMessage message = factory.toMessage(row(eventId, type, payload, payloadIsJson, null, null, headers));

        assertThat(message.isDeadLetter()).isTrue();
        assertThat(message.exchange()).isEqualTo("outbox.dead-letter");
        assertThat(message.deadLetterReason()).isEqualTo(reason);
        assertThat(message.properties().getHeaders()).containsEntry("x-outbox-error", reason);
        JsonNode columns = new ObjectMapper().readTree(message.body());
        assertThat(columns.get("id").textValue()).isEqualTo("row-1");
        assertThat(columns.has("payload")).isTrue();
    }

    @Test
    void deadLettersAnEnvelopeOverTheSizeLimitWithATruncatedPayload() throws Exception {
        String big = "{\"text\": \"" + "x".repeat(100_000) + "\"}";

        OutboxMessage message = factory.toMessage(row(ID, "employee.created", big, true, null, null, null));

        assertThat(message.deadLetterReason())
                .startsWith("envelope of ")
                .contains("exceeds outbox.max-envelope-size of 2048 bytes");
        JsonNode columns = new ObjectMapper().readTree(message.body());
        assertThat(columns.get("payload").textValue()).hasSize(DeadLetters.DEAD_LETTER_PAYLOAD_CHARS);
        assertThat(columns.get("payload_truncated").booleanValue()).isTrue();
    }

    @Test
    void deadLettersAnEventTypeLongerThanARoutingKeyWithoutBreakingTheProperties() {
        OutboxMessage message = factory.toMessage(row(ID, "t".repeat(300), "{}", true, null, null, null));

        assertThat(message.deadLetterReason()).contains("longer than 255 bytes");
        assertThat(message.properties().getType()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"s\": \"text\"}|s|text",
                "{\"amount\": 12.50}|amount|12.50",
                "{\"big\": 12345678901234567890.123}|big|12345678901234567890.123",
                "{\"n\": -1e3}|n|-1e3",
                "{\"yes\": true}|yes|true",
                "{\"no\": false}|no|false",
                "{\"empty\": \"\"}|empty|''",
            })
    void copiesStringNumberAndBooleanHeadersAsTheirJsonText(String headers, String key, String value) {
        OutboxMessage message = factory.toMessage(row(ID, "employee.created", "{}", true, null, null, headers));

        assertThat(message.isDeadLetter()).isFalse();
        assertThat(message.properties().getHeaders()).containsExactly(java.util.Map.entry(key, value));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"a\": \"ok\", \"parent\": null}|headers key 'parent' holds null; only strings, numbers and booleans become AMQP headers",
                "{\"nested\": {\"x\": 1}}|headers key 'nested' holds an object; only strings, numbers and booleans become AMQP headers",
                "{\"list\": [1, 2]}|headers key 'list' holds an array; only strings, numbers and booleans become AMQP headers",
                "\"just text\"|headers is not a JSON object",
                "{\"a\": 1} {}|headers is not a JSON object",
                "{not json|headers is not a JSON object",
            })
    void deadLettersHeadersThatAreNotAFlatObjectOfScalars(String headers, String reason) {
        OutboxMessage message = factory.toMessage(row(ID, "employee.created", "{}", true, null, null, headers));

        assertThat(message.deadLetterReason()).isEqualTo(reason);
    }

    @Test
    void deadLettersAHeaderNameLongerThanAnAmqpShortString() throws Exception {
        String longest = "k".repeat(253) + "é";
        String tooLong = "k".repeat(254) + "é";

        OutboxMessage ok =
                factory.toMessage(row(ID, "employee.created", "{}", true, null, null, "{\"" + longest + "\": \"v\"}"));
        OutboxMessage dead =
                factory.toMessage(row(ID, "employee.created", "{}", true, null, null, "{\"" + tooLong + "\": \"v\"}"));

        assertThat(ok.isDeadLetter()).isFalse();
        assertClientWouldPublish(ok);
        assertThat(dead.deadLetterReason())
                .startsWith("headers key '" + "k".repeat(64) + "…' (255 characters) is 256 bytes,"
                        + " over the AMQP limit of 255 bytes for a header name");
        assertClientWouldPublish(dead);
    }

    @Test
    void deadLettersHeadersThatWouldNotFitInTheContentHeaderFrame() throws Exception {
        MessageFactory roomy = new MessageFactory("outbox.events", 1 << 20);
        String fits = "v".repeat(60_000);
        String exceeds = "v".repeat(70_000);

        OutboxMessage ok =
                roomy.toMessage(row(ID, "employee.created", "{}", true, null, null, "{\"h\": \"" + fits + "\"}"));
        OutboxMessage dead = roomy.toMessage(
                row(ID, "employee.created", "{}", true, "Employee", null, "{\"h\": \"" + exceeds + "\"}"));

        assertThat(ok.isDeadLetter()).isFalse();
        assertClientWouldPublish(ok);
        assertThat(dead.deadLetterReason())
                .matches("AMQP content header of 70\\d{3} bytes \\(properties and headers\\)"
                        + " exceeds the relay's limit of 65536 bytes");
        assertClientWouldPublish(dead);
    }

    @Test
    void computesTheContentHeaderSizeAsTheAmqpClientEncodesIt() throws Exception {
        java.util.Map<String, Object> headers = new java.util.LinkedHashMap<>();
        headers.put("traceparent", "00-1-2-01");
        headers.put("ünïcode", "välüe 😀");
        headers.put("", "");
        for (java.util.Map<String, Object> h : java.util.Arrays.asList(null, headers)) {
            com.rabbitmq.client.AMQP.BasicProperties properties = new com.rabbitmq.client.AMQP.BasicProperties.Builder()
                    .messageId(ID)
                    .type("employee.créé")
                    .contentType("application/json")
                    .deliveryMode(2)
                    .timestamp(new Date())
                    .headers(h)
                    .build();

            assertThat(ContentHeader.frameSize(ID, "employee.créé", h))
                    .isEqualTo(((com.rabbitmq.client.impl.AMQContentHeader) properties)
                            .toFrame(1, 10)
                            .size());
        }
    }

    @Test
    void deadLettersAnOversizedPayloadBeforeEncodingOrParsingIt() {
        String big = "{not json " + "é".repeat(2000);

        OutboxMessage message = factory.toMessage(row(ID, "employee.created", big, false, null, null, null));

        assertThat(message.deadLetterReason())
                .as("size checked before the JSON check, from the payload's UTF-8 length")
                .isEqualTo("envelope of "
                        + (EnvelopeBytes.FIXED_BYTES
                                + ID.length()
                                + "employee.created".length()
                                + CREATED.length()
                                + 10
                                + 4000)
                        + " bytes exceeds outbox.max-envelope-size of 2048 bytes");
    }

    @Test
    void sizesTheEnvelopeExactlyBeforeBuildingIt() {
        String payload = "{\"a\": \"é😀\"}";
        OutboxMessage fits = new MessageFactory("outbox.events", 2048)
                .toMessage(row(ID, "t\"é\u0001", payload, true, null, null, null));
        long size = fits.body().length;

        assertThat(new MessageFactory("outbox.events", size)
                        .toMessage(row(ID, "t\"é\u0001", payload, true, null, null, null))
                        .isDeadLetter())
                .isFalse();
        assertThat(new MessageFactory("outbox.events", size - 1)
                        .toMessage(row(ID, "t\"é\u0001", payload, true, null, null, null))
                        .deadLetterReason())
                .isEqualTo(
                        "envelope of " + size + " bytes exceeds outbox.max-envelope-size of " + (size - 1) + " bytes");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"infinity", "-infinity", "yesterday"})
    void deadLettersACreatedAtThatIsNoInstantInsteadOfThrowing(String createdAt) {
        OutboxRow row =
                new OutboxRow("row-1", ID, true, "employee.created", "{}", true, createdAt, null, null, null, 0L);

        assertThat(factory.toMessage(row).deadLetterReason()).startsWith("created_at '" + createdAt + "'");
    }

    @Test
    void acceptsAnIsoInstantWithAnOffsetFromAnyCaller() {
        OutboxRow row = new OutboxRow(
                "row-1", ID, true, "employee.created", "{}", true, "2025-12-05T03:02:03+02:00", null, null, null, 0L);

        assertThat(new String(factory.toMessage(row).body(), StandardCharsets.UTF_8))
                .contains("\"timestamp\":\"2025-12-05T01:02:03.000000Z\"");
    }

    @Test
    void deadLettersAPayloadWithoutAUtf8FormInsteadOfThrowing() {
        OutboxMessage message = factory.toMessage(row(ID, "employee.created", "\"\ud800\"", false, null, null, null));

        assertThat(message.deadLetterReason())
                .isEqualTo("payload holds an unpaired UTF-16 surrogate and has no UTF-8 form");
    }

    @Test
    void buildsAPublishableDeadLetterWhateverTheRowHolds() throws Exception {
        String huge = "é".repeat(300);
        OutboxRow row = new OutboxRow(
                huge,
                huge,
                false,
                huge,
                "x".repeat(200_000),
                false,
                huge,
                huge,
                huge,
                "{\"h\": \"" + "v".repeat(200_000) + "\"}",
                0L,
                "r".repeat(5_000));

        OutboxMessage message = factory.toMessage(row);

        assertThat(message.isDeadLetter()).isTrue();
        assertThat(message.deadLetterReason())
                .hasSize(DeadLetters.MAX_REASON_CHARS + 1)
                .endsWith("…");
        assertThat(message.properties().getMessageId()).isNull();
        assertThat(message.properties().getType()).isNull();
        assertClientWouldPublish(message);
        JsonNode columns = new ObjectMapper().readTree(message.body());
        assertThat(columns.get("headers").textValue()).hasSize(DeadLetters.DEAD_LETTER_PAYLOAD_CHARS);
        assertThat(columns.get("truncated_columns")).hasSize(2);
    }

    /** Encodes the message as amqp-client would at publish time; it throws for what it refuses. */
    static void assertClientWouldPublish(OutboxMessage message) throws java.io.IOException {
        new com.rabbitmq.client.impl.AMQImpl.Basic.Publish(0, message.exchange(), message.routingKey(), true, false)
                .toFrame(1);
        int frameSize = ((com.rabbitmq.client.impl.AMQContentHeader) message.properties())
                .toFrame(1, message.body().length)
                .size();
        assertThat(frameSize)
                .as("content header frame within RabbitMQ's default frame_max")
                .isLessThanOrEqualTo(131_072);
    }

    private static OutboxRow row(
            String eventId,
            String type,
            String payload,
            boolean payloadIsJson,
            String aggregateType,
            String aggregateId,
            String headers) {
        return new OutboxRow(
                "row-1",
                eventId,
                false,
                type,
                payload,
                payloadIsJson,
                CREATED,
                aggregateType,
                aggregateId,
                headers,
                0L);
    }
}
