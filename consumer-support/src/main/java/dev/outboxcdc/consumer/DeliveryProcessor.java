package dev.outboxcdc.consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Delivery;
import dev.outboxcdc.envelope.Envelope;
import dev.outboxcdc.envelope.EnvelopeCodec;
import dev.outboxcdc.envelope.InvalidEnvelopeException;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one delivery of one queue: parse the envelope, record (consumer, event id) with
 * {@code INSERT … ON CONFLICT DO NOTHING} and run the handler in the same transaction, commit, then
 * ack. A duplicate is acked without running the handler.
 *
 * <p>What happens on failure depends on its {@link Failures.Kind}: a handler failure is an attempt,
 * and the event goes to the next retry queue, or to the DLQ after the last attempt (a body that is not
 * a valid envelope goes to the DLQ at once); a database that does not answer is not, and the delivery
 * is held and tried again with backoff until it does; a conflict (40001, 40P01) is tried again in
 * place, after a pause of tens of milliseconds, a few times. Moving a delivery to a retry queue or the
 * DLQ is the {@link DeliveryMover}'s: the copy is confirmed and routed before the original is acked,
 * else the original is requeued after a backoff. One instance per worker; not thread-safe.
 */
final class DeliveryProcessor {

    private static final Logger log = LoggerFactory.getLogger(DeliveryProcessor.class);
    private static final int MAX_ERROR_LENGTH = 1000;
    /** Conflicts (serialization failures, deadlocks) retried in place before they count as an attempt. */
    static final int CONFLICT_RETRIES = 3;

    private static final Backoff CONFLICT_BACKOFF = new Backoff(Duration.ofMillis(20), Duration.ofMillis(200));

    /** Settles deliveries on the worker's channel. */
    interface Acks {
        void ack(long deliveryTag) throws IOException;

        void requeue(long deliveryTag) throws IOException;
    }

    private final WorkerContext context;
    private final String queue;
    private final Subscription subscription;
    private final Acks acks;
    private final DeliveryMover mover;

    /**
     * Handles the deliveries of {@code queue}, settling them with {@code acks} and sending copies to the retry and
     * dead-letter queues through {@code forwarder}.
     */
    DeliveryProcessor(WorkerContext context, String queue, Subscription subscription, Acks acks, Forwarder forwarder) {
        this.context = context;
        this.queue = queue;
        this.subscription = subscription;
        this.acks = acks;
        this.mover = new DeliveryMover(context.consumer(), queue, acks, forwarder, context.pause());
    }

    void process(Delivery delivery) throws IOException {
        int attempt = attemptOf(delivery.getProperties());
        Envelope event;
        try {
            event = EnvelopeCodec.read(delivery.getBody());
        } catch (InvalidEnvelopeException e) {
            log.warn("Dead-lettering a message on {} that is not a valid envelope: {}", queue, e.getMessage());
            if (mover.move(
                    delivery,
                    SubscriptionQueues.deadLetterQueue(queue),
                    "invalid envelope: " + e.getMessage(),
                    attempt)) {
                context.metrics().deadLettered(queue);
            }
            return;
        }
        int outageTries = 0;
        int conflicts = 0;
        while (true) {
            Exception failure = null;
            boolean first;
            try {
                first = context.transactions().inTransaction(connection -> {
                    if (!ProcessedEvents.recordFirst(connection, context.consumer(), event.eventId())) {
                        return false;
                    }
                    subscription.handler().handle(event, connection);
                    return true;
                });
            } catch (Exception e) {
                failure = e;
                first = false;
            }
            if (failure == null) {
                answered(outageTries);
                // Outside the try: an ack that fails (a lost channel) is not a handler failure; the
                // broker redelivers the message and the processed_events record makes it a duplicate.
                acks.ack(delivery.getEnvelope().getDeliveryTag());
                if (first) {
                    context.metrics().handled(queue);
                } else {
                    log.debug("Skipped duplicate delivery of event {} on {}", event.eventId(), queue);
                    context.metrics().duplicateSkipped(queue);
                }
                return;
            }
            switch (Failures.classify(failure)) {
                case DATABASE_UNAVAILABLE -> {
                    outageTries++;
                    context.state().databaseUnavailable(this, describe(failure));
                    Duration wait = context.outageBackoff().delay(outageTries);
                    log.debug(
                            "Event {} on {}: the database did not answer (try {}), trying again in {}: {}",
                            event.eventId(),
                            queue,
                            outageTries,
                            wait,
                            describe(failure));
                    if (!context.pause().sleep(wait)) {
                        return; // stopping: unacked, so the broker redelivers it
                    }
                }
                case CONFLICT -> {
                    answered(outageTries);
                    outageTries = 0;
                    if (++conflicts > CONFLICT_RETRIES) {
                        failed(delivery, event, attempt, failure);
                        return;
                    }
                    log.debug(
                            "Event {} on {} conflicted with another transaction, trying again: {}",
                            event.eventId(),
                            queue,
                            describe(failure));
                    if (!context.pause().sleep(CONFLICT_BACKOFF.delay(conflicts))) {
                        return;
                    }
                }
                case HANDLER -> {
                    answered(outageTries);
                    failed(delivery, event, attempt, failure);
                    return;
                }
            }
        }
    }

    private void answered(int outageTries) {
        if (outageTries > 0) {
            context.state().databaseAnswered(this);
        }
    }

    private void failed(Delivery delivery, Envelope event, int attempt, Exception failure) throws IOException {
        String error = describe(failure);
        RetryPolicy retry = subscription.retry();
        if (attempt < retry.maxAttempts()) {
            log.info(
                    "Event {} failed on {} (attempt {} of {}), retrying in {}: {}",
                    event.eventId(),
                    queue,
                    attempt,
                    retry.maxAttempts(),
                    retry.backoffAfter(attempt),
                    error);
            if (mover.move(delivery, SubscriptionQueues.retryQueue(queue, attempt), error, attempt + 1)) {
                context.metrics().retried(queue);
            }
        } else {
            log.warn(
                    "Event {} failed on {} after {} attempt(s), dead-lettered: {}",
                    event.eventId(),
                    queue,
                    attempt,
                    error);
            if (mover.move(delivery, SubscriptionQueues.deadLetterQueue(queue), error, attempt)) {
                context.metrics().deadLettered(queue);
            }
        }
    }

    private static int attemptOf(AMQP.BasicProperties properties) {
        Object attempt =
                properties.getHeaders() == null ? null : properties.getHeaders().get(ConsumerHeaders.ATTEMPT);
        return attempt instanceof Number number ? Math.max(1, number.intValue()) : 1;
    }

    private static String describe(Exception e) {
        String text = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH);
    }
}
