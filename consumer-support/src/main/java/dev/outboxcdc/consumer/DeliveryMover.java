package dev.outboxcdc.consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Delivery;
import dev.outboxcdc.envelope.OutboxAmqp;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a delivery to another queue of its subscription (a retry queue or the DLQ): a copy carrying the attempt,
 * the error, the consumer and the original routing key is confirmed and routed, and only then is the original
 * acked. When the copy cannot be forwarded in {@link #FORWARD_TRIES} tries, with a backoff that keeps growing over
 * consecutive failures, the original is requeued. One per worker; not thread-safe.
 */
final class DeliveryMover {

    private static final Logger log = LoggerFactory.getLogger(DeliveryMover.class);
    /** Tries to forward one copy before the original is requeued. */
    static final int FORWARD_TRIES = 3;

    static final Backoff FORWARD_BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

    private final String consumer;
    private final String queue;
    private final DeliveryProcessor.Acks acks;
    private final Forwarder forwarder;
    private final Pause pause;
    private int forwardFailures;

    DeliveryMover(String consumer, String queue, DeliveryProcessor.Acks acks, Forwarder forwarder, Pause pause) {
        this.consumer = consumer;
        this.queue = queue;
        this.acks = acks;
        this.forwarder = forwarder;
        this.pause = pause;
    }

    /**
     * Moves {@code delivery} to {@code target}: the copy confirmed and routed, then the original acked; else
     * requeued.
     *
     * @return true when the copy was forwarded and the original acked; false when the original was requeued, or
     *     left unsettled because the consumer is stopping
     */
    boolean move(Delivery delivery, String target, String error, int attempt) throws IOException {
        long tag = delivery.getEnvelope().getDeliveryTag();
        AMQP.BasicProperties properties = copyProperties(delivery, error, attempt);
        for (int tries = 1; ; tries++) {
            if (forwarder.forward(target, properties, delivery.getBody())) {
                forwardFailures = 0;
                acks.ack(tag);
                return true;
            }
            forwardFailures++;
            Duration wait = FORWARD_BACKOFF.delay(forwardFailures);
            if (!pause.sleep(wait)) {
                return false;
            }
            if (tries == FORWARD_TRIES) {
                log.warn("Could not move a message of {} to {} in {} tries; requeued it", queue, target, tries);
                acks.requeue(tag);
                return false;
            }
        }
    }

    private AMQP.BasicProperties copyProperties(Delivery delivery, String error, int attempt) {
        AMQP.BasicProperties original = delivery.getProperties();
        Map<String, Object> headers = new HashMap<>(original.getHeaders() == null ? Map.of() : original.getHeaders());
        headers.put(ConsumerHeaders.ATTEMPT, attempt);
        headers.put(ConsumerHeaders.ERROR, error);
        headers.put(ConsumerHeaders.CONSUMER, consumer);
        headers.putIfAbsent(ConsumerHeaders.ROUTING_KEY, delivery.getEnvelope().getRoutingKey());
        return original.builder()
                .headers(headers)
                .deliveryMode(OutboxAmqp.PERSISTENT)
                .build();
    }
}
