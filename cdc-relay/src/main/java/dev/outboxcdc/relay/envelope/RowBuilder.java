package dev.outboxcdc.relay.envelope;

/** Collects the converted columns of one row, keeping the first conversion problem; one per row, one thread. */
final class RowBuilder {

    private final long commitTimeMillis;
    private String problem;
    private String id;
    private String eventId;
    private boolean eventIdIsUuid;
    private String eventType;
    private String payload;
    private boolean payloadIsJson;
    private String createdAt;
    private String aggregateType;
    private String aggregateId;
    private String headers;

    RowBuilder(long commitTimeMillis) {
        this.commitTimeMillis = commitTimeMillis;
    }

    RowBuilder id(ColumnText value) {
        id = take(value);
        return this;
    }

    RowBuilder eventId(ColumnText value, boolean isUuid) {
        eventId = take(value);
        eventIdIsUuid = isUuid && value.problem() == null;
        return this;
    }

    RowBuilder eventType(ColumnText value) {
        eventType = take(value);
        return this;
    }

    RowBuilder payload(ColumnText value, boolean isJson) {
        payload = take(value);
        payloadIsJson = isJson && value.problem() == null;
        return this;
    }

    RowBuilder createdAt(ColumnText value) {
        createdAt = take(value);
        return this;
    }

    RowBuilder aggregateType(ColumnText value) {
        aggregateType = take(value);
        return this;
    }

    RowBuilder aggregateId(ColumnText value) {
        aggregateId = take(value);
        return this;
    }

    RowBuilder headers(ColumnText value) {
        headers = take(value);
        return this;
    }

    /** Records a problem that concerns no single column (the first problem wins). */
    RowBuilder problem(String reason) {
        if (problem == null) {
            problem = reason;
        }
        return this;
    }

    OutboxRow build() {
        return new OutboxRow(
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
                problem);
    }

    private String take(ColumnText value) {
        if (value.problem() != null) {
            problem(value.problem());
        }
        return value.text();
    }
}
