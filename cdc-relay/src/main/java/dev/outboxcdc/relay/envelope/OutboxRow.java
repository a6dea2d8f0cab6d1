package dev.outboxcdc.relay.envelope;

import java.util.Map;

/**
 * One inserted outbox row as the WAL delivered it, with every value as text.
 *
 * @param id              {@code id}
 * @param eventId         {@code event_id}
 * @param eventIdIsUuid   whether the column type guarantees {@code eventId} is a UUID
 * @param eventType       {@code event_type}
 * @param payload         {@code payload}
 * @param payloadIsJson   whether the column type guarantees {@code payload} is valid JSON ({@code json}, {@code jsonb})
 * @param createdAt       {@code created_at} as an ISO-8601 UTC instant, or null when missing
 * @param aggregateType   {@code aggregate_type} when the column exists and is set, else null
 * @param aggregateId     {@code aggregate_id} when the column exists and is set, else null
 * @param headers         {@code headers} as JSON text when the column exists and is set, else null
 * @param commitTimeMillis when the transaction committed (epoch millis), for the latency metric
 */
public record OutboxRow(
        String id,
        String eventId,
        boolean eventIdIsUuid,
        String eventType,
        String payload,
        boolean payloadIsJson,
        String createdAt,
        String aggregateType,
        String aggregateId,
        String headers,
        long commitTimeMillis) {

    /** The row's columns by name, for a dead-letter body; payload cut to {@code maxPayloadChars}. */
    public Map<String, Object> columns(int maxPayloadChars) {
        java.util.LinkedHashMap<String, Object> columns = new java.util.LinkedHashMap<>();
        columns.put("id", id);
        columns.put("event_id", eventId);
        columns.put("event_type", eventType);
        columns.put("payload", payload == null || payload.length() <= maxPayloadChars ? payload
                : payload.substring(0, maxPayloadChars));
        columns.put("payload_truncated", payload != null && payload.length() > maxPayloadChars);
        columns.put("created_at", createdAt);
        columns.put("aggregate_type", aggregateType);
        columns.put("aggregate_id", aggregateId);
        columns.put("headers", headers);
        return columns;
    }
}
