package dev.outboxcdc.consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import dev.outboxcdc.envelope.Envelope;
import dev.outboxcdc.envelope.EnvelopeCodec;
import dev.outboxcdc.envelope.InvalidEnvelopeException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one delivery of one queue: parse the envelope, record (consumer, event id) with
 * {@code INSERT … ON CONFLICT DO NOTHING} and run the handler in the same transaction, commit, then
 * ack. A duplicate is acked without running the handler. A failure rolls back and sends the event
 * to the next retry queue, or to the DLQ after the last attempt; a body that is not a valid envelope
 * goes to the DLQ at once. Forwarded copies are confirmed by the broker before the original is acked,
 * so nothing is lost between queues. One instance per worker channel; not thread-safe.
 */
final class DeliveryProcessor {

    private static final Logger log = LoggerFactory.getLogger(DeliveryProcessor.class);
    private static final int MAX_ERROR_LENGTH = 1000;
    private static final long CONFIRM_TIMEOUT_MILLIS = 30_000;

    private final String consumer;
    private final String queue;
    private final Subscription subscription;
    private final Transactions transactions;
    private final ConsumerMetrics metrics;
    private final Channel channel;
    private final Channel forwarding;

    DeliveryProcessor(String consumer, String queue, Subscription subscription, Transactions transactions,
            ConsumerMetrics metrics, Channel channel, Channel forwarding) {
        this.consumer = consumer;
        this.queue = queue;
        this.subscription = subscription;
        this.transactions = transactions;
        this.metrics = metrics;
        this.channel = channel;
        this.forwarding = forwarding;
    }

    void process(Delivery delivery) throws IOException {
        long tag = delivery.getEnvelope().getDeliveryTag();
        int attempt = attemptOf(delivery.getProperties());
        Envelope event;
        try {
            event = EnvelopeCodec.read(delivery.getBody());
        } catch (InvalidEnvelopeException e) {
            log.warn("Dead-lettering a message on {} that is not a valid envelope: {}", queue, e.getMessage());
            forwardOrRequeue(delivery, SubscriptionTopology.deadLetterQueue(queue), "invalid envelope: " + e.getMessage(), attempt);
            metrics.deadLettered(queue);
            return;
        }
        try {
            boolean first = transactions.inTransaction(connection -> {
                if (!ProcessedEvents.recordFirst(connection, consumer, event.eventId())) {
                    return false;
                }
                subscription.handler().handle(event, connection);
                return true;
            });
            channel.basicAck(tag, false);
            if (first) {
                metrics.handled(queue);
            } else {
                log.debug("Skipped duplicate delivery of event {} on {}", event.eventId(), queue);
                metrics.duplicateSkipped(queue);
            }
        } catch (Exception e) {
            String error = describe(e);
            if (attempt < subscription.retry().maxAttempts()) {
                log.info("Event {} failed on {} (attempt {} of {}), retrying in {}: {}", event.eventId(), queue, attempt,
                        subscription.retry().maxAttempts(), subscription.retry().backoffAfter(attempt), error);
                forwardOrRequeue(delivery, SubscriptionTopology.retryQueue(queue, attempt), error, attempt + 1);
                metrics.retried(queue);
            } else {
                log.warn("Event {} failed on {} after {} attempt(s), dead-lettered: {}", event.eventId(), queue, attempt, error);
                forwardOrRequeue(delivery, SubscriptionTopology.deadLetterQueue(queue), error, attempt);
                metrics.deadLettered(queue);
            }
        }
    }

    private void forwardOrRequeue(Delivery delivery, String target, String error, int attempt) throws IOException {
        long tag = delivery.getEnvelope().getDeliveryTag();
        AMQP.BasicProperties original = delivery.getProperties();
        Map<String, Object> headers = new HashMap<>(original.getHeaders() == null ? Map.of() : original.getHeaders());
        headers.put(ConsumerHeaders.ATTEMPT, attempt);
        headers.put(ConsumerHeaders.ERROR, error);
        headers.put(ConsumerHeaders.CONSUMER, consumer);
        headers.putIfAbsent(ConsumerHeaders.ROUTING_KEY, delivery.getEnvelope().getRoutingKey());
        AMQP.BasicProperties properties = original.builder().headers(headers).deliveryMode(2).build();
        try {
            forwarding.basicPublish("", target, true, properties, delivery.getBody());
            forwarding.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
        } catch (IOException | TimeoutException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("Could not move a message of {} to {}; requeueing it: {}", queue, target, e.getMessage());
            channel.basicNack(tag, false, true);
            return;
        }
        channel.basicAck(tag, false);
    }

    private static int attemptOf(AMQP.BasicProperties properties) {
        Object attempt = properties.getHeaders() == null ? null : properties.getHeaders().get(ConsumerHeaders.ATTEMPT);
        return attempt instanceof Number number ? Math.max(1, number.intValue()) : 1;
    }

    private static String describe(Exception e) {
        String text = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH);
    }
}
