package dev.outboxcdc.consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker of a subscription: a channel consuming one queue, whose deliveries a processor handles one at a time
 * and settles on that channel. {@code queue} names the subscription (its retry and dead-letter queues);
 * {@code consumed} is the queue it consumes: the same, or one partition of it. When the broker closes the channel by
 * itself or cancels the consumer, the worker tells its {@link Lost} listener, which opens it again.
 */
final class QueueWorker {

    private static final Logger log = LoggerFactory.getLogger(QueueWorker.class);
    private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(30);

    /** Handles one delivery and settles it: a {@link DeliveryProcessor}. */
    @FunctionalInterface
    interface Processor {
        void process(Delivery delivery) throws IOException;
    }

    /** Makes the processor of a channel just opened, settling on it with {@code acks}, forwarding with {@code forwarder}. */
    @FunctionalInterface
    interface Processors {
        Processor create(DeliveryProcessor.Acks acks, Forwarder forwarder);
    }

    /** Told when the broker closed a worker's channel by itself or cancelled its consumer. */
    @FunctionalInterface
    interface Lost {
        /**
         * Opens {@code worker} again.
         *
         * @param redeclare whether to declare the subscription's queues first (the consumed queue was deleted)
         */
        void lost(QueueWorker worker, boolean redeclare);
    }

    private final String consumer;
    private final String queue;
    private final String consumed;
    private final Subscription subscription;
    private final Connection connection;
    private final ConfirmingForwarder forwarder;
    private final Processors processors;
    private final InFlight inFlight;
    private final Lost lost;
    private final ReentrantLock handling = new ReentrantLock();
    private volatile boolean released;
    private volatile Channel channel;
    private volatile String consumerTag;

    /** A worker of {@code consumer} that consumes {@code consumed} for the subscription of {@code queue}. */
    QueueWorker(
            String consumer,
            String queue,
            String consumed,
            Subscription subscription,
            Connection connection,
            ConfirmingForwarder forwarder,
            Processors processors,
            InFlight inFlight,
            Lost lost) {
        this.consumer = consumer;
        this.queue = queue;
        this.consumed = consumed;
        this.subscription = subscription;
        this.connection = connection;
        this.forwarder = forwarder;
        this.processors = processors;
        this.inFlight = inFlight;
        this.lost = lost;
    }

    String queue() {
        return queue;
    }

    String consumed() {
        return consumed;
    }

    Subscription subscription() {
        return subscription;
    }

    /** Whether {@link #release()} gave it up for good. */
    boolean released() {
        return released;
    }

    /** Opens a channel on the connection and consumes {@code consumed} on it, with the subscription's prefetch. */
    void open() throws IOException {
        Channel opened = connection.createChannel();
        if (opened == null) {
            throw new IOException("the connection has no free channel");
        }
        opened.basicQos(subscription.prefetch());
        Processor processor = processors.create(new ChannelAcks(opened), forwarder);
        opened.addShutdownListener(cause -> {
            // A connection failure is recovered by the client, channels included; a channel the broker
            // closed by itself (a delivery held past consumer_timeout, an error) is not.
            if (!cause.isInitiatedByApplication() && !cause.isHardError() && opened == channel) {
                log.warn(
                        "Consumer {}: the broker closed a channel of {}; opening it again: {}",
                        consumer,
                        consumed,
                        cause.getMessage());
                lost.lost(this, false);
            }
        });
        channel = opened;
        consumerTag = opened.basicConsume(consumed, false, new DefaultConsumer(opened) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                inFlight.enter();
                handling.lock();
                try {
                    if (released) {
                        return; // given up: closing the channel requeues it, in order, for the next instance
                    }
                    processor.process(new Delivery(envelope, properties, body));
                } catch (IOException | RuntimeException e) {
                    // The ack or nack could not be sent: the broker redelivers the message, and the
                    // processed_events record makes the redelivery a skipped duplicate if it committed.
                    log.warn("Consumer {} could not settle a delivery of {}: {}", consumer, consumed, e.getMessage());
                } finally {
                    handling.unlock();
                    inFlight.exit();
                }
            }

            @Override
            public void handleCancel(String tag) {
                log.warn(
                        "Consumer {}: the broker cancelled consuming {} (the queue was deleted?); declaring it"
                                + " again and consuming anew",
                        consumer,
                        consumed);
                lost.lost(QueueWorker.this, true);
            }
        });
    }

    /**
     * Stops consuming for good, for another instance to take over: waits for the delivery being handled, then
     * closes the channel, which requeues the deliveries not handled yet in their order before the single-active
     * consumer moves on.
     */
    void release() {
        released = true;
        try {
            // Wait for the delivery being handled; those after it see released and are left to the close.
            if (handling.tryLock(RELEASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                handling.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Not under the lock: closing the channel must never wait on a consumer thread that waits for it.
        abandon();
        forwarder.close();
    }

    /** Stops consuming; the delivery being handled, if any, still settles on the open channel. */
    void cancel() {
        Channel current = channel;
        channel = null;
        try {
            if (current != null && current.isOpen()) {
                current.basicCancel(consumerTag);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Cancelling a consumer of {} failed", queue, e);
        }
    }

    /** Aborts the channel: the broker requeues what it delivered on it and was not settled. */
    void abandon() {
        Channel current = channel;
        channel = null;
        if (current != null && current.isOpen()) {
            try {
                current.abort();
            } catch (IOException | RuntimeException e) {
                log.debug("Aborting a channel of {} failed", queue, e);
            }
        }
    }

    /** Closes the channel the worker forwards copies on. */
    void closeForwarder() {
        forwarder.close();
    }
}
