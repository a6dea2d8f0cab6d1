package dev.outboxcdc.consumer;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.outboxcdc.envelope.OutboxAmqp;
import java.io.IOException;
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

    static String retryQueue(String queue, int failedAttempt) {
        return queue + ".retry." + failedAttempt;
    }

    static String deadLetterQueue(String queue) {
        return queue + ".dlq";
    }

    static void declare(Connection connection, String exchange, String queue, Subscription subscription) throws IOException {
        declareExchange(connection, exchange);
        Channel channel = connection.createChannel();
        try {
            channel.queueDeclare(queue, true, false, false, null);
            for (String key : subscription.bindingKeys()) {
                channel.queueBind(queue, exchange, key);
            }
            RetryPolicy retry = subscription.retry();
            for (int failed = 1; failed < retry.maxAttempts(); failed++) {
                channel.queueDeclare(retryQueue(queue, failed), true, false, false, Map.of(
                        "x-message-ttl", retry.backoffAfter(failed).toMillis(),
                        "x-dead-letter-exchange", "",
                        "x-dead-letter-routing-key", queue));
            }
            channel.queueDeclare(deadLetterQueue(queue), true, false, false, null);
        } catch (IOException e) {
            if (isPreconditionFailed(e)) {
                throw new IOException("a queue of " + queue + " exists with other arguments (a changed retry policy?):"
                        + " delete the " + queue + ".retry.* queues and start again. " + e.getCause().getMessage(), e);
            }
            throw e;
        } finally {
            close(channel);
        }
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
