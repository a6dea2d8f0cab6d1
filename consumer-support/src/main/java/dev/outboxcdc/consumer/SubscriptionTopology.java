package dev.outboxcdc.consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.envelope.QueueType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares, idempotently, the queues of a subscription, of the broker's {@link QueueType}: the
 * durable queue bound to the events exchange, one retry queue per retry (a TTL of that retry's
 * backoff, dead-lettering back into the queue) and the dead-letter queue. A queue that exists with
 * the other type is used as it is, with a warning: RabbitMQ cannot change a queue's type.
 */
final class SubscriptionTopology {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionTopology.class);
    private static final int PRECONDITION_FAILED = 406;
    private static final String CONSISTENT_HASH = "x-consistent-hash";
    private static final Set<String> warnedAboutType = ConcurrentHashMap.newKeySet();

    private SubscriptionTopology() {}

    static void declare(Connection connection, Broker broker, String queue, Subscription subscription)
            throws IOException {
        declareExchange(connection, broker.exchange());
        QueueType type = broker.queueType();
        SubscriptionQueues queues = SubscriptionQueues.of(queue, subscription.retry(), subscription.partitions());
        if (subscription.partitioned()) {
            declarePartitions(connection, broker, queues, subscription);
        } else {
            declareQueue(connection, type, queue, Map.of());
            Channel channel = open(connection);
            try {
                for (String key : subscription.bindingKeys()) {
                    channel.queueBind(queue, broker.exchange(), key);
                }
            } finally {
                close(channel);
            }
        }
        for (int failed = 1; failed <= queues.retries().size(); failed++) {
            declareQueue(
                    connection,
                    type,
                    queues.retries().get(failed - 1),
                    retryArguments(type, queue, failed, subscription));
        }
        declareQueue(connection, type, queues.deadLetter(), Map.of());
    }

    /**
     * The consistent-hash exchange on {@code aggregate_id}, bound to the events exchange with the
     * subscription's keys, and the partition queues bound to it with equal weights, each with a
     * single active consumer.
     */
    private static void declarePartitions(
            Connection connection, Broker broker, SubscriptionQueues queues, Subscription subscription)
            throws IOException {
        String exchange = SubscriptionQueues.partitionExchange(queues.main());
        Channel channel = open(connection);
        try {
            channel.exchangeDeclare(
                    exchange, CONSISTENT_HASH, true, false, Map.of("hash-header", OutboxAmqp.HEADER_AGGREGATE_ID));
        } catch (IOException e) {
            throw new IOException(
                    "cannot declare the consistent-hash exchange " + exchange + " of a partitioned subscription:"
                            + " enable RabbitMQ's plugin (rabbitmq-plugins enable rabbitmq_consistent_hash_exchange). "
                            + replyText(e),
                    e);
        } finally {
            close(channel);
        }
        for (String partition : queues.partitions()) {
            declareQueue(connection, broker.queueType(), partition, Map.of("x-single-active-consumer", true));
        }
        channel = open(connection);
        try {
            for (String partition : queues.partitions()) {
                channel.queueBind(partition, exchange, "1");
            }
            for (String key : subscription.bindingKeys()) {
                channel.exchangeBind(exchange, broker.exchange(), key);
            }
        } finally {
            close(channel);
        }
    }

    /**
     * Declares {@code target}, a retry queue or the dead-letter queue of {@code queue}, again: it was
     * deleted while the consumer ran.
     */
    static void redeclare(Connection connection, QueueType type, String queue, Subscription subscription, String target)
            throws IOException {
        SubscriptionQueues queues = SubscriptionQueues.of(queue, subscription.retry(), subscription.partitions());
        int retry = queues.retries().indexOf(target);
        if (retry >= 0) {
            declareQueue(connection, type, target, retryArguments(type, queue, retry + 1, subscription));
        } else if (target.equals(queues.deadLetter())) {
            declareQueue(connection, type, target, Map.of());
        } else {
            throw new IllegalArgumentException(target + " is not a retry or dead-letter queue of " + queue);
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
            Channel channel = open(connection);
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

    /**
     * A retry queue: messages expire after the retry's backoff and are dead-lettered back into the
     * subscription's queue (a partitioned subscription's: into its consistent-hash exchange, which
     * routes them to their aggregate's partition again). Quorum queues dead-letter at least once
     * (RabbitMQ 3.10+), which needs {@code reject-publish} overflow; without a length limit it never
     * refuses a copy.
     */
    static Map<String, Object> retryArguments(
            QueueType type, String queue, int failedAttempt, Subscription subscription) {
        Map<String, Object> arguments = new HashMap<>();
        arguments.put(
                "x-message-ttl",
                subscription.retry().backoffAfter(failedAttempt).toMillis());
        if (subscription.partitioned()) {
            arguments.put("x-dead-letter-exchange", SubscriptionQueues.partitionExchange(queue));
        } else {
            arguments.put("x-dead-letter-exchange", "");
            arguments.put("x-dead-letter-routing-key", queue);
        }
        if (type == QueueType.QUORUM) {
            arguments.put("x-dead-letter-strategy", "at-least-once");
            arguments.put("x-overflow", "reject-publish");
        }
        return arguments;
    }

    private static void declareQueue(Connection connection, QueueType type, String queue, Map<String, Object> arguments)
            throws IOException {
        Channel channel = open(connection);
        try {
            channel.queueDeclare(queue, true, false, false, type.arguments(arguments));
            return;
        } catch (IOException e) {
            if (!QueueType.isTypeMismatch(replyText(e))) {
                throw explain(e, queue);
            }
        } finally {
            close(channel);
        }
        Channel passive = open(connection);
        try {
            passive.queueDeclarePassive(queue);
        } finally {
            close(passive);
        }
        if (warnedAboutType.add(queue)) {
            log.warn(
                    "Queue {} exists with another type than {}; using it as it is. RabbitMQ cannot change a queue's type:"
                            + " to change it, stop the consumers, move its messages elsewhere and delete it (deleteQueues() deletes"
                            + " all of a consumer's queues) before starting again",
                    queue,
                    type.value());
        }
    }

    private static void declareExchange(Connection connection, String exchange) throws IOException {
        Channel channel = open(connection);
        try {
            channel.exchangeDeclare(
                    exchange, BuiltinExchangeType.TOPIC, true, false, OutboxAmqp.EVENTS_EXCHANGE_ARGUMENTS);
            return;
        } catch (IOException e) {
            if (!isPreconditionFailed(e)) {
                throw e;
            }
        } finally {
            close(channel);
        }
        // Declared by someone else with other arguments: use it as it is.
        Channel passive = open(connection);
        try {
            passive.exchangeDeclarePassive(exchange);
        } finally {
            close(passive);
        }
    }

    private static IOException explain(IOException e, String queue) {
        if (isPreconditionFailed(e)) {
            return new IOException(
                    "queue " + queue + " exists with other arguments (a changed retry policy?): delete the"
                            + " consumer's retry queues (OutboxConsumer.deleteQueues() deletes all its queues) and start again. "
                            + replyText(e),
                    e);
        }
        return e;
    }

    private static Channel open(Connection connection) throws IOException {
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("the connection has no free channel");
        }
        return channel;
    }

    private static boolean isPreconditionFailed(IOException e) {
        return e.getCause() instanceof ShutdownSignalException signal
                && signal.getReason() instanceof AMQP.Channel.Close close
                && close.getReplyCode() == PRECONDITION_FAILED;
    }

    private static String replyText(IOException e) {
        return e.getCause() instanceof ShutdownSignalException signal
                        && signal.getReason() instanceof AMQP.Channel.Close close
                ? close.getReplyText()
                : null;
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
