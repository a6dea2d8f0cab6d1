package dev.outboxcdc.relay.envelope;

import com.rabbitmq.client.AMQP;
import dev.outboxcdc.envelope.Envelope;
import dev.outboxcdc.envelope.EnvelopeCodec;
import dev.outboxcdc.envelope.OutboxAmqp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;

/**
 * Turns an outbox row into the message to publish: its {@link Envelope} with the AMQP properties
 * the README lists, or, when the row cannot become a valid envelope, a dead-letter message carrying the
 * row's columns and the reason in {@link OutboxAmqp#HEADER_ERROR}. Thread-safe.
 *
 * <p>Never throws, whatever the row holds, and never builds a message RabbitMQ's client would refuse
 * at publish time: the message id, type and routing key are AMQP short strings of at most 255 UTF-8
 * bytes, header names too, and the whole content header (properties and headers) must fit in
 * {@value ContentHeader#MAX_FRAME_BYTES} bytes (64 KiB, half of RabbitMQ's default {@code frame_max}
 * of 131072); a row over any of these is dead-lettered. The rules for the {@code headers} column are
 * those of {@link ContentHeader}. A dead-letter message is always publishable: its message id and
 * type are left out when over 255 bytes, its reason is cut to {@value DeadLetters#MAX_REASON_CHARS} characters.
 *
 * <p>The envelope's size is known before it is built (the payload's UTF-8 length is counted without
 * allocating), so a payload over {@code outbox.max-envelope-size} is dead-lettered without being
 * encoded or parsed; an envelope is encoded once, into an array of its exact size.
 */
public final class MessageFactory {

    private static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 16;

    private final String exchange;
    private final long maxEnvelopeBytes;

    /** Creates a factory publishing envelopes to {@code exchange}, dead-lettering any larger than {@code maxEnvelopeBytes}. */
    public MessageFactory(String exchange, long maxEnvelopeBytes) {
        this.exchange = exchange;
        this.maxEnvelopeBytes = maxEnvelopeBytes;
    }

    /** The message for {@code row}: its envelope, or its dead letter. Never throws. */
    public OutboxMessage toMessage(OutboxRow row) {
        try {
            return envelopeOrDeadLetter(row);
        } catch (RuntimeException e) {
            return deadLetter(
                    row, "the row cannot be converted: " + e.getClass().getName());
        }
    }

    private OutboxMessage envelopeOrDeadLetter(OutboxRow row) {
        String problem = RowProblems.of(row);
        if (problem != null) {
            return deadLetter(row, problem);
        }
        String createdAt = row.createdAt();
        Instant instant = utcInstant(createdAt);
        if (instant == null) { // not as OutboxRowReader writes it: another caller's text
            ColumnText converted = CreatedAt.ofText(createdAt);
            if (converted.problem() != null) {
                return deadLetter(row, converted.problem());
            }
            createdAt = converted.text();
            instant = Instant.parse(createdAt);
        }
        Date timestamp;
        try {
            timestamp = Date.from(instant);
        } catch (IllegalArgumentException e) {
            return deadLetter(
                    row,
                    CreatedAt.COLUMN + " " + ColumnText.quote(createdAt)
                            + " is outside the range of an AMQP timestamp (epoch milliseconds in 64 bits)");
        }
        long payloadBytes = Utf8.length(row.payload());
        if (payloadBytes == Utf8.MALFORMED) {
            return deadLetter(row, "payload holds an unpaired UTF-16 surrogate and has no UTF-8 form");
        }
        long size = EnvelopeBytes.size(row.eventId(), row.eventType(), createdAt, payloadBytes);
        if (size > maxEnvelopeBytes || size > MAX_ARRAY_BYTES) {
            return tooLarge(row, size);
        }
        if (!row.payloadIsJson() && !EnvelopeCodec.isJson(row.payload())) {
            return deadLetter(row, "payload is not valid JSON");
        }
        ContentHeader.Headers headers = ContentHeader.headers(row.headers(), row.aggregateType(), row.aggregateId());
        if (headers.problem() != null) {
            return deadLetter(row, headers.problem());
        }
        long headerBytes = ContentHeader.frameSize(row.eventId(), row.eventType(), headers.values());
        if (headerBytes > ContentHeader.MAX_FRAME_BYTES) {
            return deadLetter(
                    row,
                    "AMQP content header of " + headerBytes + " bytes (properties and headers) exceeds the"
                            + " relay's limit of " + ContentHeader.MAX_FRAME_BYTES + " bytes");
        }
        byte[] body = EnvelopeBytes.write(row.eventId(), row.eventType(), createdAt, row.payload(), (int) size);
        if (body.length > maxEnvelopeBytes) {
            return tooLarge(row, body.length);
        }
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .messageId(row.eventId())
                .type(row.eventType())
                .contentType(Envelope.CONTENT_TYPE)
                .deliveryMode(OutboxAmqp.PERSISTENT)
                .timestamp(timestamp)
                .headers(headers.values())
                .build();
        return new OutboxMessage(
                exchange, row.eventType(), properties, body, row.eventId(), null, row.commitTimeMillis(), row);
    }

    private OutboxMessage tooLarge(OutboxRow row, long size) {
        return deadLetter(
                row,
                "envelope of " + size + " bytes exceeds outbox.max-envelope-size of " + maxEnvelopeBytes + " bytes");
    }

    /** The instant of ISO-8601 UTC text ({@code ...Z}), or null. */
    private static Instant utcInstant(String text) {
        if (!text.endsWith("Z")) {
            return null;
        }
        Instant fast = UtcText.parse(text);
        if (fast != null) {
            return fast;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * The dead-letter message for {@code row}: its columns as JSON (each cut to 64 Ki characters), published to
     * {@code outbox.dead-letter} with {@code reason} (cut to {@value DeadLetters#MAX_REASON_CHARS} characters) in
     * {@link OutboxAmqp#HEADER_ERROR}. Always publishable; never throws.
     */
    public OutboxMessage deadLetter(OutboxRow row, String reason) {
        return DeadLetters.of(row, reason);
    }
}
