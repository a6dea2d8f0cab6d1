package dev.outboxcdc.relay.envelope;

import dev.outboxcdc.envelope.OutboxAmqp;
import java.util.UUID;

/** What makes an outbox row unfit for an envelope before its payload is looked at: missing or oversized ids and types. */
final class RowProblems {

    private RowProblems() {}

    /** Why {@code row} cannot become an envelope, or null when its ids, type, payload and time are present and fit. */
    static String of(OutboxRow row) {
        if (row.conversionProblem() != null) {
            return row.conversionProblem();
        }
        if (row.eventId() == null || row.eventId().isBlank()) {
            return "event_id is missing";
        }
        if (!row.eventIdIsUuid() && !isUuid(row.eventId())) {
            return "event_id is not a UUID";
        }
        if (Utf8.length(row.eventId()) > OutboxAmqp.MAX_SHORT_STRING_BYTES) {
            return "event_id is longer than " + OutboxAmqp.MAX_SHORT_STRING_BYTES + " bytes, the AMQP message id limit";
        }
        if (row.eventType() == null || row.eventType().isBlank()) {
            return "event_type is missing or blank";
        }
        long typeBytes = Utf8.length(row.eventType());
        if (typeBytes == Utf8.MALFORMED) {
            return "event_type is not valid Unicode";
        }
        if (typeBytes > OutboxAmqp.MAX_SHORT_STRING_BYTES) {
            return "event_type is longer than " + OutboxAmqp.MAX_SHORT_STRING_BYTES
                    + " bytes, the AMQP routing key limit";
        }
        if (row.payload() == null) {
            return "payload is missing";
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
}
