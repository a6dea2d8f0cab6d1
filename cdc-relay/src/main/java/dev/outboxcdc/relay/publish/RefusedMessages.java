package dev.outboxcdc.relay.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import dev.outboxcdc.envelope.Envelope;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.relay.envelope.OutboxMessage;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a message RabbitMQ's client refused to send ({@code basicPublish} threw IllegalArgumentException) by
 * one it can send, so one row never stops the stream and is never dropped: an event becomes the row's dead letter;
 * a dead letter that is refused too (or a message without its row) becomes a minimal dead letter whose body holds
 * only the event id and the reason. Used by the publishing thread only.
 */
final class RefusedMessages {

    static final String REASON_PREFIX = "RabbitMQ client refused the message: ";
    private static final Logger log = LoggerFactory.getLogger(RefusedMessages.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Far below the smallest frame size RabbitMQ negotiates (4096 bytes), so the minimal dead letter always fits. */
    private static final int MAX_HEADER_CHARS = 1000;

    private final DeadLetterFactory deadLetters;
    private OutboxMessage lastMinimal;

    RefusedMessages(DeadLetterFactory deadLetters) {
        this.deadLetters = deadLetters;
    }

    /**
     * The message to publish in place of {@code refused}.
     *
     * @param clientError the client's exception message
     * @throws IllegalStateException when even the minimal dead letter was refused (the engine restarts; nothing is lost)
     */
    OutboxMessage replace(OutboxMessage refused, String clientError) {
        String reason = REASON_PREFIX + clientError;
        if (!refused.isDeadLetter() && refused.row() != null) {
            log.warn(
                    "RabbitMQ's client refused event {} ({}); publishing it to {} instead",
                    refused.eventId(),
                    clientError,
                    OutboxAmqp.DEAD_LETTER);
            return deadLetters.deadLetter(refused.row(), reason);
        }
        if (refused == lastMinimal) {
            throw new IllegalStateException("RabbitMQ's client refused even the minimal dead letter of event "
                    + refused.eventId() + ": " + clientError);
        }
        log.error(
                "RabbitMQ's client refused the dead letter of event {} ({}); publishing a dead letter with only the"
                        + " event id and the reason to {}",
                refused.eventId(),
                clientError,
                OutboxAmqp.DEAD_LETTER);
        lastMinimal = minimal(refused, reason);
        return lastMinimal;
    }

    private static OutboxMessage minimal(OutboxMessage refused, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event_id", refused.eventId());
        body.put("error", reason);
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the minimal dead letter of event " + refused.eventId(), e);
        }
        String header = reason.length() > MAX_HEADER_CHARS ? reason.substring(0, MAX_HEADER_CHARS) : reason;
        String id = refused.eventId();
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .messageId(
                        id != null && id.getBytes(StandardCharsets.UTF_8).length <= OutboxAmqp.MAX_SHORT_STRING_BYTES
                                ? id
                                : null)
                .contentType(Envelope.CONTENT_TYPE)
                .deliveryMode(OutboxAmqp.PERSISTENT)
                .headers(Map.of(OutboxAmqp.HEADER_ERROR, header))
                .build();
        return new OutboxMessage(
                OutboxAmqp.DEAD_LETTER, "", properties, bytes, id, reason, refused.commitTimeMillis(), refused.row());
    }
}
