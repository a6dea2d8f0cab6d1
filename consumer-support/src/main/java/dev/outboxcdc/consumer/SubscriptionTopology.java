package dev.outboxcdc.consumer;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.outboxcdc.envelope.AmqpChannels;
import dev.outboxcdc.envelope.AmqpExchange;
import dev.outboxcdc.envelope.AmqpQueue;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.envelope.OutboxTopology;
import dev.outboxcdc.envelope.QueueType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares, idempotently, the queues of a subscription, of the broker's {@link QueueType}: the
 * durable queue bound to the events exchange, one retry queue per retry (a TTL of that retry's
 * backoff, dead-lettering back into the queue) and the dead-letter queue. The events exchange is
 * declared as {@link OutboxTopology#eventsExchange} defines it, or kept as it is when it exists with
 * other arguments. A queue that exists with the other type is used as it is, with a warning: RabbitMQ
 * cannot change a queue's type.
 */
final class SubscriptionTopology {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionTopology.class);
    private static final String CONSISTENT_HASH = "x-consistent-hash";
    private static final Set<String> warnedAboutType = ConcurrentHashMap.newKeySet();

    private SubscriptionTopology() {}

    static void declare(Connection connection, Broker broker, String queue, Subscription subscription)
            throws IOException {
        // Declared by someone else with other arguments: used as it is.
        OutboxTopology.eventsExchange(broker.exchange()).declareOrKeep(connection);
        QueueType type = broker.queueType();
        SubscriptionQueues queues = SubscriptionQueues.of(queue, subscription.retry(), subscription.partitions());
        if (subscription.partitioned()) {
            declarePartitions(connection, broker, queues, subscription);
        } else {
            declareQueue(connection, type, queue, Map.of());
            AmqpChannels.onOwnChannel(connection, channel -> {
                for (String key : subscription.bindingKeys()) {
                    channel.queueBind(queue, broker.exchange(), key);
                }
            });
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
        try {
            new AmqpExchange(exchange, CONSISTENT_HASH, Map.of("hash-header", OutboxAmqp.HEADER_AGGREGATE_ID))
                    .declare(connection);
        } catch (IOException e) {
            throw new IOException(
                    "cannot declare the consistent-hash exchange " + exchange + " of a partitioned subscription:"
                            + " enable RabbitMQ's plugin (rabbitmq-plugins enable rabbitmq_consistent_hash_exchange). "
                            + AmqpChannels.replyText(e),
                    e);
        }
        for (String partition : queues.partitions()) {
            declareQueue(connection, broker.queueType(), partition, Map.of("x-single-active-consumer", true));
        }
        AmqpChannels.onOwnChannel(connection, channel -> {
            for (String partition : queues.partitions()) {
                channel.queueBind(partition, exchange, "1");
            }
            for (String key : subscription.bindingKeys()) {
                channel.exchangeBind(exchange, broker.exchange(), key);
            }
        });
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
            Channel channel = AmqpChannels.open(connection);
            try {
                channel.queueDeclarePassive(queue);
            } catch (IOException e) {
                continue; // does not exist; the failed check closed the channel
            }
            try {
                channel.queueDelete(queue);
                deleted.add(queue);
            } finally {
                AmqpChannels.closeQuietly(channel);
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
        boolean asDeclared;
        try {
            asDeclared = AmqpQueue.of(queue, type, arguments).declare(connection);
        } catch (IOException e) {
            throw explain(e, queue);
        }
        if (!asDeclared && warnedAboutType.add(queue)) {
            log.warn(
                    "Queue {} exists with another type than {}; using it as it is. RabbitMQ cannot change a queue's type:"
                            + " to change it, stop the consumers, move its messages elsewhere and delete it (deleteQueues() deletes"
                            + " all of a consumer's queues) before starting again",
                    queue,
                    type.value());
        }
    }

    private static IOException explain(IOException e, String queue) {
        if (AmqpChannels.isPreconditionFailed(e)) {
            return new IOException(
                    "queue " + queue + " exists with other arguments (a changed retry policy?): delete the"
                            + " consumer's retry queues (OutboxConsumer.deleteQueues() deletes all its queues) and start again. "
                            + AmqpChannels.replyText(e),
                    e);
        }
        return e;
    }
}
