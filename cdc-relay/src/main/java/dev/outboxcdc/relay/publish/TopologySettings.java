package dev.outboxcdc.relay.publish;

import dev.outboxcdc.envelope.QueueType;

/**
 * What the relay declares on the broker.
 *
 * @param exchange          the events exchange
 * @param unroutedMaxLength the most messages queue {@code outbox.unrouted} holds
 * @param queueType         the type of queues {@code outbox.unrouted} and {@code outbox.dead-letter}
 */
public record TopologySettings(String exchange, long unroutedMaxLength, QueueType queueType) {}
