package dev.outboxcdc.writer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * An event to write to the outbox: its type (the routing key), its payload and optional metadata.
 * Immutable; the {@code with…} methods return copies.
 *
 * <p>The payload is any value Jackson can serialise (a record, a map, a {@code JsonNode}); a
 * {@code String} payload is a JSON string value. To pass JSON text as it is, use {@link #ofJson}.
 *
 * @param eventId       the event id, or null to have a time-ordered one generated
 * @param eventType     the event type, e.g. {@code employee.created}; the routing key of the message
 * @param payload       the payload (a Jackson-serialisable value), or null when {@code payloadJson} is set
 * @param payloadJson   the payload as JSON text, or null when {@code payload} is set
 * @param aggregateType optional aggregate type, sent as AMQP header {@code aggregate_type}
 * @param aggregateId   optional aggregate id, sent as AMQP header {@code aggregate_id}
 * @param headers       optional AMQP headers (values must be strings, e.g. {@code traceparent})
 */
public record OutboxEvent(
        UUID eventId,
        String eventType,
        Object payload,
        String payloadJson,
        String aggregateType,
        String aggregateId,
        Map<String, ?> headers) {

    /** Copies the headers so later changes of the caller's map do not leak in. */
    public OutboxEvent {
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** An event of {@code eventType} whose payload Jackson serialises. */
    public static OutboxEvent of(String eventType, Object payload) {
        return new OutboxEvent(null, eventType, payload, null, null, null, Map.of());
    }

    /** An event of {@code eventType} whose payload is the JSON text {@code json}, stored as it is. */
    public static OutboxEvent ofJson(String eventType, String json) {
        return new OutboxEvent(null, eventType, null, json, null, null, Map.of());
    }

    /** A copy with the given event id instead of a generated one. */
    public OutboxEvent withEventId(UUID id) {
        return new OutboxEvent(id, eventType, payload, payloadJson, aggregateType, aggregateId, headers);
    }

    /** A copy with the aggregate type and id. */
    public OutboxEvent withAggregate(String type, String id) {
        return new OutboxEvent(eventId, eventType, payload, payloadJson, type, id, headers);
    }

    /** A copy with one more header. */
    public OutboxEvent withHeader(String name, String value) {
        Map<String, Object> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new OutboxEvent(eventId, eventType, payload, payloadJson, aggregateType, aggregateId, copy);
    }

    /** A copy with these headers instead; every value must be a string (checked when written). */
    public OutboxEvent withHeaders(Map<String, ?> newHeaders) {
        return new OutboxEvent(eventId, eventType, payload, payloadJson, aggregateType, aggregateId, newHeaders);
    }
}
