package dev.outboxcdc.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The message body of every outbox event: UTF-8 JSON with exactly the four keys
 * {@value #EVENT_ID}, {@value #EVENT_TYPE}, {@value #TIMESTAMP} and {@value #DATA}.
 *
 * <p>This is the one definition of the shared data shape. The relay writes it with
 * {@link EnvelopeCodec#write}, consumers read it with {@link EnvelopeCodec#read}; both use the
 * key names declared here, so producer and consumer cannot drift apart.
 *
 * @param eventId   the row's {@code event_id}
 * @param eventType the row's {@code event_type}, also the routing key
 * @param timestamp the row's {@code created_at}, rendered as an ISO-8601 UTC instant
 * @param data      the row's {@code payload} as a JSON value (an object stays an object)
 */
public record Envelope(UUID eventId, String eventType, Instant timestamp, JsonNode data) {

    /** Key of the event id. */
    public static final String EVENT_ID = "eventId";
    /** Key of the event type. */
    public static final String EVENT_TYPE = "eventType";
    /** Key of the commit-side timestamp ({@code created_at}). */
    public static final String TIMESTAMP = "timestamp";
    /** Key of the payload. */
    public static final String DATA = "data";

    /** Content type of the AMQP message that carries an envelope. */
    public static final String CONTENT_TYPE = "application/json";

    /** Validates that no component is missing. */
    public Envelope {
        Objects.requireNonNull(eventId, EVENT_ID);
        Objects.requireNonNull(eventType, EVENT_TYPE);
        Objects.requireNonNull(timestamp, TIMESTAMP);
        Objects.requireNonNull(data, DATA);
        if (eventType.isBlank()) {
            throw new IllegalArgumentException(EVENT_TYPE + " must not be blank");
        }
    }
}
