package dev.outboxcdc.relay.envelope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import dev.outboxcdc.envelope.Envelope;
import dev.outboxcdc.envelope.EnvelopeCodec;
import dev.outboxcdc.envelope.OutboxAmqp;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;

/**
 * Turns an outbox row into the message to publish: the envelope of DESIGN.md with its AMQP
 * properties, or, when the row cannot become a valid envelope, a dead-letter message carrying the
 * row's columns and the reason in {@link OutboxAmqp#HEADER_ERROR}. It never throws for bad data,
 * so one bad row can neither stall nor be dropped. Thread-safe.
 */
public final class MessageFactory {

    /** Longest payload text kept in a dead-letter body. */
    static final int DEAD_LETTER_PAYLOAD_CHARS = 64 * 1024;
    private static final int MAX_ROUTING_KEY_BYTES = 255;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String exchange;
    private final long maxEnvelopeBytes;

    /** Creates a factory publishing envelopes to {@code exchange}, dead-lettering any larger than {@code maxEnvelopeBytes}. */
    public MessageFactory(String exchange, long maxEnvelopeBytes) {
        this.exchange = exchange;
        this.maxEnvelopeBytes = maxEnvelopeBytes;
    }

    /** The message for {@code row}. */
    public OutboxMessage toMessage(OutboxRow row) {
        String problem = problemOf(row);
        if (problem != null) {
            return deadLetter(row, problem);
        }
        Map<String, Object> headers = new HashMap<>();
        if (row.headers() != null && !copyHeaders(row.headers(), headers)) {
            return deadLetter(row, "headers is not a JSON object");
        }
        if (row.aggregateType() != null) {
            headers.put(OutboxAmqp.HEADER_AGGREGATE_TYPE, row.aggregateType());
        }
        if (row.aggregateId() != null) {
            headers.put(OutboxAmqp.HEADER_AGGREGATE_ID, row.aggregateId());
        }
        byte[] body = EnvelopeCodec.write(row.eventId(), row.eventType(), row.createdAt(), row.payload());
        if (body.length > maxEnvelopeBytes) {
            return deadLetter(row, "envelope of " + body.length + " bytes exceeds outbox.max-envelope-size of "
                    + maxEnvelopeBytes + " bytes");
        }
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .messageId(row.eventId())
                .type(row.eventType())
                .contentType(Envelope.CONTENT_TYPE)
                .deliveryMode(OutboxAmqp.PERSISTENT)
                .timestamp(Date.from(Instant.parse(row.createdAt())))
                .headers(headers.isEmpty() ? null : headers)
                .build();
        return new OutboxMessage(exchange, row.eventType(), properties, body, row.eventId(), null, row.commitTimeMillis(), row);
    }

    private static String problemOf(OutboxRow row) {
        if (row.conversionProblem() != null) {
            return row.conversionProblem();
        }
        if (row.eventId() == null || row.eventId().isBlank()) {
            return "event_id is missing";
        }
        if (!row.eventIdIsUuid() && !isUuid(row.eventId())) {
            return "event_id is not a UUID";
        }
        if (row.eventType() == null || row.eventType().isBlank()) {
            return "event_type is missing or blank";
        }
        if (row.eventType().getBytes(StandardCharsets.UTF_8).length > MAX_ROUTING_KEY_BYTES) {
            return "event_type is longer than " + MAX_ROUTING_KEY_BYTES + " bytes, the AMQP routing key limit";
        }
        if (row.payload() == null) {
            return "payload is missing";
        }
        if (!row.payloadIsJson() && !EnvelopeCodec.isJson(row.payload())) {
            return "payload is not valid JSON";
        }
        if (row.createdAt() == null) {
            return "created_at is missing";
        }
        return null;
    }

    private static boolean isUuid(String text) {
        try {
            return UUID.fromString(text).toString().equalsIgnoreCase(text.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean copyHeaders(String json, Map<String, Object> headers) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return false;
        }
        if (node == null || !node.isObject()) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getValue().isTextual()) {
                headers.put(entry.getKey(), entry.getValue().textValue());
            }
        }
        return true;
    }

    /** AMQP short strings hold at most 255 bytes: a longer value is left out of the dead-letter properties. */
    private static String shortString(String value) {
        return value == null || value.getBytes(StandardCharsets.UTF_8).length > MAX_ROUTING_KEY_BYTES ? null : value;
    }

    /**
     * The dead-letter message for {@code row}: its columns as JSON, published to {@code outbox.dead-letter} with
     * {@code reason} in {@link OutboxAmqp#HEADER_ERROR}.
     */
    public OutboxMessage deadLetter(OutboxRow row, String reason) {
        byte[] body;
        try {
            body = MAPPER.writeValueAsBytes(row.columns(DEAD_LETTER_PAYLOAD_CHARS));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the columns of row " + row.id(), e);
        }
        Map<String, Object> headers = new HashMap<>();
        headers.put(OutboxAmqp.HEADER_ERROR, reason);
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .messageId(shortString(row.eventId()))
                .type(shortString(row.eventType()))
                .contentType(Envelope.CONTENT_TYPE)
                .deliveryMode(OutboxAmqp.PERSISTENT)
                .headers(headers)
                .build();
        return new OutboxMessage(OutboxAmqp.DEAD_LETTER, "", properties, body, row.eventId(), reason, row.commitTimeMillis(), row);
    }
}
