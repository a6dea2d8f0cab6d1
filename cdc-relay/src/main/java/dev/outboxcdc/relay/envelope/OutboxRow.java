package dev.outboxcdc.relay.envelope;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One inserted outbox row as the WAL (or a JDBC query) delivered it, with every value as text.
 * {@link OutboxRowReader} builds it without ever throwing: a column it cannot convert leaves its raw
 * text in the component and the reason in {@code conversionProblem}, and {@link MessageFactory}
 * dead-letters such a row.
 *
 * @param id                {@code id}
 * @param eventId           {@code event_id}
 * @param eventIdIsUuid     whether the column type guarantees {@code eventId} is a UUID
 * @param eventType         {@code event_type}
 * @param payload           {@code payload} (a {@code bytea} payload decoded as UTF-8; its {@code \x…} hex text when it is not UTF-8)
 * @param payloadIsJson     whether the column type guarantees {@code payload} is valid JSON ({@code json}, {@code jsonb})
 * @param createdAt         {@code created_at} as an ISO-8601 UTC instant, or null when missing; its raw text when
 *                          {@code conversionProblem} says it cannot be converted
 * @param aggregateType     {@code aggregate_type} when the column exists and is set, else null
 * @param aggregateId       {@code aggregate_id} when the column exists and is set, else null
 * @param headers           {@code headers} as JSON text when the column exists and is set, else null
 * @param commitTimeMillis  when the transaction committed (epoch millis), for the latency metric
 * @param conversionProblem why a column could not be converted, naming the column, or null
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
        long commitTimeMillis,
        String conversionProblem) {

    /** A row whose every column was converted. */
    public OutboxRow(
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
        this(
                id,
                eventId,
                eventIdIsUuid,
                eventType,
                payload,
                payloadIsJson,
                createdAt,
                aggregateType,
                aggregateId,
                headers,
                commitTimeMillis,
                null);
    }

    /**
     * The row's columns by name, for a dead-letter body: each value cut to {@code maxChars} characters;
     * {@code payload_truncated} says whether the payload was cut, {@code truncated_columns} names every column cut.
     */
    public Map<String, Object> columns(int maxChars) {
        Map<String, Object> columns = new LinkedHashMap<>();
        List<String> truncated = new ArrayList<>();
        columns.put("id", cut("id", id, maxChars, truncated));
        columns.put("event_id", cut("event_id", eventId, maxChars, truncated));
        columns.put("event_type", cut("event_type", eventType, maxChars, truncated));
        columns.put("payload", cut("payload", payload, maxChars, truncated));
        columns.put("payload_truncated", truncated.contains("payload"));
        columns.put("created_at", cut("created_at", createdAt, maxChars, truncated));
        columns.put("aggregate_type", cut("aggregate_type", aggregateType, maxChars, truncated));
        columns.put("aggregate_id", cut("aggregate_id", aggregateId, maxChars, truncated));
        columns.put("headers", cut("headers", headers, maxChars, truncated));
        if (!truncated.isEmpty()) {
            columns.put("truncated_columns", truncated);
        }
        return columns;
    }

    private static String cut(String column, String value, int maxChars, List<String> truncated) {
        if (value == null || value.length() <= maxChars) {
            return value;
        }
        truncated.add(column);
        int end = Character.isHighSurrogate(value.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return value.substring(0, end);
    }
}
