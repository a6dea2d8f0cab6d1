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
        OutboxMessage message = factory.toMessage(row(ID, "employee.created", "{\"a\": 1}", true,
                "Employee", "42", "{\"traceparent\": \"00-1-2-01\", \"n\": 5}"));

        assertThat(message.isDeadLetter()).isFalse();
        assertThat(message.exchange()).isEqualTo("outbox.events");
        assertThat(message.routingKey()).isEqualTo("employee.created");
        assertThat(new String(message.body(), StandardCharsets.UTF_8)).isEqualTo("{\"eventId\":\"" + ID
                + "\",\"eventType\":\"employee.created\",\"timestamp\":\"" + CREATED + "\",\"data\":{\"a\": 1}}");
        assertThat(message.properties().getMessageId()).isEqualTo(ID);
        assertThat(message.properties().getType()).isEqualTo("employee.created");
        assertThat(message.properties().getContentType()).isEqualTo("application/json");
        assertThat(message.properties().getDeliveryMode()).isEqualTo(2);
        assertThat(message.properties().getTimestamp()).isEqualTo(Date.from(java.time.Instant.parse(CREATED)));
        assertThat(message.properties().getHeaders()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                "aggregate_type", "Employee", "aggregate_id", "42", "traceparent", "00-1-2-01"));
    }

    @ParameterizedTest(name = "{5}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "NULL|employee.created|{}|true|NULL|event_id is missing",
        "not-a-uuid|employee.created|{}|true|NULL|event_id is not a UUID",
        ID + "|NULL|{}|true|NULL|event_type is missing or blank",
        ID + "|'  '|{}|true|NULL|event_type is missing or blank",
        ID + "|employee.created|NULL|true|NULL|payload is missing",
        ID + "|employee.created|{not json|false|NULL|payload is not valid JSON",
        ID + "|employee.created|{}|true|[1]|headers is not a JSON object",
    })
    void deadLettersARowThatCannotBecomeAnEnvelope(String eventId, String type, String payload, boolean payloadIsJson,
            String headers, String reason) throws Exception {
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

        assertThat(message.deadLetterReason()).startsWith("envelope of ").contains("exceeds outbox.max-envelope-size of 2048 bytes");
        JsonNode columns = new ObjectMapper().readTree(message.body());
        assertThat(columns.get("payload").textValue()).hasSize(MessageFactory.DEAD_LETTER_PAYLOAD_CHARS);
        assertThat(columns.get("payload_truncated").booleanValue()).isTrue();
    }

    @Test
    void deadLettersAnEventTypeLongerThanARoutingKeyWithoutBreakingTheProperties() {
        OutboxMessage message = factory.toMessage(row(ID, "t".repeat(300), "{}", true, null, null, null));

        assertThat(message.deadLetterReason()).contains("longer than 255 bytes");
        assertThat(message.properties().getType()).isNull();
    }

    private static OutboxRow row(String eventId, String type, String payload, boolean payloadIsJson, String aggregateType,
            String aggregateId, String headers) {
        return new OutboxRow("row-1", eventId, false, type, payload, payloadIsJson, CREATED, aggregateType, aggregateId,
                headers, 0L);
    }
}
