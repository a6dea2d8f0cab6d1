package dev.outboxcdc.relay.envelope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import dev.outboxcdc.envelope.Envelope;
import dev.outboxcdc.envelope.OutboxAmqp;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Builds the dead-letter message of an outbox row that cannot become an envelope. Stateless and thread-safe. */
final class DeadLetters {

    /** Longest payload text (and other column text) kept in a dead-letter body. */
    static final int DEAD_LETTER_PAYLOAD_CHARS = 64 * 1024;
    /** Longest reason in {@link OutboxAmqp#HEADER_ERROR}. */
    static final int MAX_REASON_CHARS = 1024;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] UNSERIALISABLE_BODY =
            "{\"error\":\"the row's columns cannot be serialised\"}".getBytes(StandardCharsets.UTF_8);

    private DeadLetters() {}

    /**
     * The dead-letter message for {@code row}: its columns as JSON (each cut to 64 Ki characters), published to
     * {@code outbox.dead-letter} with {@code reason} (cut to {@value #MAX_REASON_CHARS} characters) in
     * {@link OutboxAmqp#HEADER_ERROR}. Always publishable; never throws.
     */
    static OutboxMessage of(OutboxRow row, String reason) {
        String error = reason == null
                ? "unknown"
                : reason.length() <= MAX_REASON_CHARS
                        ? reason
                        : reason.substring(
                                        0,
                                        Character.isHighSurrogate(reason.charAt(MAX_REASON_CHARS - 1))
                                                ? MAX_REASON_CHARS - 1
                                                : MAX_REASON_CHARS)
                                + "…";
        byte[] body;
        try {
            body = MAPPER.writeValueAsBytes(row.columns(DEAD_LETTER_PAYLOAD_CHARS));
        } catch (JsonProcessingException | RuntimeException e) {
            body = UNSERIALISABLE_BODY;
        }
        Map<String, Object> headers = new HashMap<>();
        headers.put(OutboxAmqp.HEADER_ERROR, error);
        String eventId = shortString(row.eventId()); // also bounds the log lines that name it
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .messageId(eventId)
                .type(shortString(row.eventType()))
                .contentType(Envelope.CONTENT_TYPE)
                .deliveryMode(OutboxAmqp.PERSISTENT)
                .headers(headers)
                .build();
        return new OutboxMessage(
                OutboxAmqp.DEAD_LETTER, "", properties, body, eventId, error, row.commitTimeMillis(), row);
    }

    /** AMQP short strings hold at most 255 bytes: a longer (or unencodable) value is left out of the dead-letter properties. */
    private static String shortString(String value) {
        if (value == null) {
            return null;
        }
        long bytes = Utf8.length(value);
        return bytes == Utf8.MALFORMED || bytes > OutboxAmqp.MAX_SHORT_STRING_BYTES ? null : value;
    }
}
