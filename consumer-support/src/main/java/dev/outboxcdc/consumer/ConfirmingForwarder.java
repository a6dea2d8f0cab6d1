package dev.outboxcdc.consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Forwarder} on a confirm channel of its own: publishes with {@code mandatory}, waits for
 * the confirm and checks that the copy was not returned. A returned copy means the queue is missing
 * (deleted by an operator): it is declared again and the copy sent once more. A channel closed by a
 * nack, a confirm timeout or an error is opened again at the next forward. One per worker; not thread-safe.
 */
final class ConfirmingForwarder implements Forwarder {

    private static final Logger log = LoggerFactory.getLogger(ConfirmingForwarder.class);

    /** Declares a queue of the subscription again. */
    @FunctionalInterface
    interface QueueDeclarer {
        void declare(String queue) throws IOException;
    }

    private final Connection connection;
    private final QueueDeclarer declarer;
    private final Duration confirmTimeout;
    private Channel channel;
    private volatile boolean returned;
    private boolean failing;

    ConfirmingForwarder(Connection connection, QueueDeclarer declarer, Duration confirmTimeout) {
        this.connection = connection;
        this.declarer = declarer;
        this.confirmTimeout = confirmTimeout;
    }

    @Override
    public boolean forward(String queue, AMQP.BasicProperties properties, byte[] body) {
        try {
            for (int sent = 1; sent <= 2; sent++) {
                Channel open = channel();
                returned = false;
                open.basicPublish("", queue, true, properties, body);
                open.waitForConfirmsOrDie(confirmTimeout.toMillis());
                if (!returned) {
                    if (failing) {
                        failing = false;
                        log.info("Forwarding to {} works again", queue);
                    }
                    return true;
                }
                log.warn(
                        "{} does not exist (deleted?): the broker returned a copy sent to it; declaring it again",
                        queue);
                declarer.declare(queue);
            }
            return failed(queue, "the broker returned the copy again after the queue was declared");
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            closeChannel();
            return failed(queue, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeChannel();
            return failed(queue, "interrupted");
        }
    }

    private boolean failed(String queue, String reason) {
        if (!failing) {
            failing = true;
            log.warn(
                    "Could not forward a copy to {} (nothing is acked until it is confirmed and routed): {}",
                    queue,
                    reason);
        } else {
            log.debug("Could not forward a copy to {}: {}", queue, reason);
        }
        return false;
    }

    private Channel channel() throws IOException {
        if (channel == null || !channel.isOpen()) {
            Channel opened = connection.createChannel();
            if (opened == null) {
                throw new IOException("the connection has no free channel");
            }
            opened.confirmSelect();
            opened.addReturnListener(returnedMessage -> returned = true);
            channel = opened;
        }
        return channel;
    }

    private void closeChannel() {
        Channel closing = channel;
        channel = null;
        if (closing != null && closing.isOpen()) {
            try {
                closing.abort();
            } catch (IOException | RuntimeException e) {
                log.debug("Aborting a forwarding channel failed", e);
            }
        }
    }

    /** Closes the channel; the next forward opens a new one. */
    void close() {
        closeChannel();
    }
}
