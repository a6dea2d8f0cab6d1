package dev.outboxcdc.consumer;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.outboxcdc.envelope.OutboxAmqp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Declares, idempotently, the queues of a subscription: the durable queue bound to the events
 * exchange, one retry queue per retry (a TTL of that retry's backoff, dead-lettering back into
 * the queue) and the dead-letter queue.
 */
final class SubscriptionTopology {

    private static final int PRECONDITION_FAILED = 406;

    private SubscriptionTopology() {
    }

    static void declare(Connection connection, String exchange, String queue, Subscription subscription) throws IOException {
        declareExchange(connection, exchange);
        Channel channel = connection.createChannel();
        try {
            channel.queueDeclare(queue, true, false, false, null);
            for (String key : subscription.bindingKeys()) {
                channel.queueBind(queue, exchange, key);
            }
            SubscriptionQueues queues = SubscriptionQueues.of(queue, subscription.retry());
            for (int failed = 1; failed <= queues.retries().size(); failed++) {
                declareRetryQueue(channel, queue, failed, subscription.retry());
            }
            channel.queueDeclare(queues.deadLetter(), true, false, false, null);
        } catch (IOException e) {
            throw explain(e, queue);
        } finally {
            close(channel);
        }
    }

    /**
     * Declares {@code target}, a retry queue or the dead-letter queue of {@code queue}, again: it was
     * deleted while the consumer ran.
     */
    static void redeclare(Connection connection, String queue, Subscription subscription, String target) throws IOException {
        SubscriptionQueues queues = SubscriptionQueues.of(queue, subscription.retry());
        Channel channel = connection.createChannel();
        try {
            int retry = queues.retries().indexOf(target);
            if (retry >= 0) {
                declareRetryQueue(channel, queue, retry + 1, subscription.retry());
            } else if (target.equals(queues.deadLetter())) {
                channel.queueDeclare(target, true, false, false, null);
            } else {
                throw new IllegalArgumentException(target + " is not a retry or dead-letter queue of " + queue);
            }
        } catch (IOException e) {
            throw explain(e, queue);
        } finally {
            close(channel);
        }
    }

    /**
     * Deletes {@code queues} that exist.
     *
     * @return the queues that existed
     */
    static List<String> delete(Connection connection, List<String> queues) throws IOException {
        List<String> deleted = new ArrayList<>();
        for (String queue : queues) {
            Channel channel = connection.createChannel();
            try {
                channel.queueDeclarePassive(queue);
            } catch (IOException e) {
                continue; // does not exist; the failed check closed the channel
            }
            try {
                channel.queueDelete(queue);
                deleted.add(queue);
            } finally {
                close(channel);
            }
        }
        return deleted;
    }

    private static void declareRetryQueue(Channel channel, String queue, int failedAttempt, RetryPolicy retry)
            throws IOException {
        channel.queueDeclare(SubscriptionQueues.retryQueue(queue, failedAttempt), true, false, false, Map.of(
                "x-message-ttl", retry.backoffAfter(failedAttempt).toMillis(),
                "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", queue));
    }

    private static IOException explain(IOException e, String queue) {
        if (isPreconditionFailed(e)) {
            return new IOException("a queue of " + queue + " exists with other arguments (a changed retry policy?):"
                    + " delete the " + queue + ".retry.* queues (OutboxConsumer.deleteQueues() deletes them all) and"
                    + " start again. " + e.getCause().getMessage(), e);
        }
        return e;
    }

    private static void declareExchange(Connection connection, String exchange) throws IOException {
        Channel channel = connection.createChannel();
        try {
            channel.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true, false, OutboxAmqp.EVENTS_EXCHANGE_ARGUMENTS);
            return;
        } catch (IOException e) {
            if (!isPreconditionFailed(e)) {
                throw e;
            }
        } finally {
            close(channel);
        }
        // Declared by someone else with other arguments: use it as it is.
        Channel passive = connection.createChannel();
        try {
            passive.exchangeDeclarePassive(exchange);
        } finally {
            close(passive);
        }
    }

    private static boolean isPreconditionFailed(IOException e) {
        return e.getCause() instanceof ShutdownSignalException signal
                && signal.getReason() instanceof com.rabbitmq.client.AMQP.Channel.Close close
                && close.getReplyCode() == PRECONDITION_FAILED;
    }

    private static void close(Channel channel) {
        if (channel.isOpen()) {
            try {
                channel.close();
            } catch (IOException | TimeoutException | com.rabbitmq.client.AlreadyClosedException e) {
                // closing a channel that a declaration failure already closed
            }
        }
    }
}
