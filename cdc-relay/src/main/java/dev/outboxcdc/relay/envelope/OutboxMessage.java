package dev.outboxcdc.relay.envelope;

import com.rabbitmq.client.AMQP;

/**
 * One AMQP message ready to publish: an event's envelope, or a dead-lettered row.
 *
 * @param exchange         the exchange to publish to
 * @param routingKey       the routing key (the event type for envelopes)
 * @param properties       the AMQP properties and headers
 * @param body             the body
 * @param eventId          the event id for logs (may be null for a dead-lettered row)
 * @param deadLetterReason why the row was dead-lettered, or null for an envelope
 * @param commitTimeMillis when the row's transaction committed
 * @param row              the outbox row this message was made from, so a message RabbitMQ's client refuses can
 *                         still be dead-lettered with the row's columns; null for a message the broker returned
 */
public record OutboxMessage(
        String exchange,
        String routingKey,
        AMQP.BasicProperties properties,
        byte[] body,
        String eventId,
        String deadLetterReason,
        long commitTimeMillis,
        OutboxRow row) {

    /** Whether this message carries a row that could not become an envelope. */
    public boolean isDeadLetter() {
        return deadLetterReason != null;
    }
}
