package dev.outboxcdc.relay.engine;

import dev.outboxcdc.relay.envelope.OutboxMessage;
import dev.outboxcdc.relay.health.RelayMetrics;
import dev.outboxcdc.relay.publish.ConfirmingPublisher;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Opens the {@link MessageBatch}es of the data path and of the cut-over: all publish through one publisher, capped
 * by {@code outbox.max-batch-size} and {@code outbox.max-batch-bytes}.
 *
 * @param publisher a {@link ConfirmingPublisher#publish}: returns the messages as published once RabbitMQ confirmed
 *                  all of them
 * @param metrics   counts what was confirmed
 * @param maxCount  the most messages of one batch
 * @param maxBytes  the most body bytes of one batch
 */
record Batches(UnaryOperator<List<OutboxMessage>> publisher, RelayMetrics metrics, int maxCount, long maxBytes) {

    /** A new, empty batch. */
    MessageBatch open() {
        return new MessageBatch(publisher, metrics, maxCount, maxBytes);
    }
}
