package dev.outboxcdc.relay.engine;

import dev.outboxcdc.relay.envelope.OutboxMessage;
import dev.outboxcdc.relay.health.RelayMetrics;
import dev.outboxcdc.relay.publish.ConfirmingPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects messages in order and publishes them in batches capped by count ({@code outbox.max-batch-size})
 * and by body bytes ({@code outbox.max-batch-bytes}), each confirmed before the next is built, so the
 * envelopes held at once never exceed one batch plus one message. Counts what RabbitMQ confirmed. Used
 * by one thread.
 */
final class MessageBatch {

    private static final Logger log = LoggerFactory.getLogger(MessageBatch.class);

    private final UnaryOperator<List<OutboxMessage>> publisher;
    private final RelayMetrics metrics;
    private final int maxCount;
    private final long maxBytes;
    private final List<OutboxMessage> pending = new ArrayList<>();
    private long pendingBytes;

    /**
     * A batch publishing through {@code publisher}: a {@link ConfirmingPublisher#publish} that returns the messages as
     * published, once RabbitMQ confirmed all of them.
     */
    MessageBatch(UnaryOperator<List<OutboxMessage>> publisher, RelayMetrics metrics, int maxCount, long maxBytes) {
        this.publisher = publisher;
        this.metrics = metrics;
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
    }

    /** Adds {@code message}; publishes the batch first when the message would take it over a cap. */
    void add(OutboxMessage message) {
        if (!pending.isEmpty() && (pending.size() >= maxCount || pendingBytes + message.body().length > maxBytes)) {
            flush();
        }
        pending.add(message);
        pendingBytes += message.body().length;
    }

    /** Publishes what was added and waits until RabbitMQ confirmed all of it. */
    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        // As published: a message the client refused comes back as its dead letter, in its place.
        List<OutboxMessage> published = publisher.apply(pending);
        long now = System.currentTimeMillis();
        for (OutboxMessage message : published) {
            if (message.isDeadLetter()) {
                metrics.deadLettered();
                log.warn(
                        "Dead-lettered outbox row with event id {}: {}", message.eventId(), message.deadLetterReason());
            } else {
                metrics.published(message.commitTimeMillis(), now);
            }
        }
        log.debug("Published a batch of {} message(s), {} bytes", pending.size(), pendingBytes);
        pending.clear();
        pendingBytes = 0;
    }
}
