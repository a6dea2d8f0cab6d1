package dev.outboxcdc.relay.publish;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.envelope.QueueType;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares what the relay publishes to, idempotently, on every (re)connect: the durable topic
 * exchange with {@code outbox.unrouted} as its alternate exchange, and the durable
 * {@code outbox.unrouted} and {@code outbox.dead-letter} exchanges and queues, of the configured
 * {@link QueueType}. A queue that exists with the other type is used as it is, with a warning.
 */
final class Topology {

    private static final Logger log = LoggerFactory.getLogger(Topology.class);
    private static final int PRECONDITION_FAILED = 406;

    private final String exchange;
    private final long unroutedMaxLength;
    private final QueueType queueType;
    private final Set<String> warnedAboutType = ConcurrentHashMap.newKeySet();
    private boolean warnedAboutAlternateExchange;

    Topology(TopologySettings settings) {
        this.exchange = settings.exchange();
        this.unroutedMaxLength = settings.unroutedMaxLength();
        this.queueType = settings.queueType();
    }

    /**
     * Declares everything.
     *
     * @return whether the events exchange routes unroutable messages to {@code outbox.unrouted} by itself;
     *         when false the relay must re-publish returned messages there
     */
    boolean declare(Connection connection) throws IOException {
        declareQueue(
                connection,
                OutboxAmqp.UNROUTED,
                Map.of("x-max-length", unroutedMaxLength, "x-overflow", "reject-publish"));
        declareQueue(connection, OutboxAmqp.DEAD_LETTER, Map.of());
        Channel channel = open(connection);
        try {
            channel.exchangeDeclare(OutboxAmqp.UNROUTED, BuiltinExchangeType.FANOUT, true);
            channel.queueBind(OutboxAmqp.UNROUTED, OutboxAmqp.UNROUTED, "");
            channel.exchangeDeclare(OutboxAmqp.DEAD_LETTER, BuiltinExchangeType.FANOUT, true);
            channel.queueBind(OutboxAmqp.DEAD_LETTER, OutboxAmqp.DEAD_LETTER, "");
            channel.exchangeDeclare(
                    exchange, BuiltinExchangeType.TOPIC, true, false, OutboxAmqp.EVENTS_EXCHANGE_ARGUMENTS);
            return true;
        } catch (IOException e) {
            if (!isPreconditionFailed(e)) {
                throw e;
            }
        } finally {
            closeQuietly(channel);
        }
        channel = open(connection);
        try {
            channel.exchangeDeclarePassive(exchange);
        } finally {
            closeQuietly(channel);
        }
        if (!warnedAboutAlternateExchange) {
            warnedAboutAlternateExchange = true;
            log.warn(
                    "Exchange {} already exists with other arguments than alternate-exchange={}: the relay keeps it as it is"
                            + " and re-publishes returned (unroutable) events to queue {} itself. To let RabbitMQ do it, delete the"
                            + " exchange (and re-create bindings) so the relay can declare it with the alternate exchange.",
                    exchange,
                    OutboxAmqp.UNROUTED,
                    OutboxAmqp.UNROUTED);
        }
        return false;
    }

    private void declareQueue(Connection connection, String queue, Map<String, Object> arguments) throws IOException {
        Channel channel = open(connection);
        try {
            channel.queueDeclare(queue, true, false, false, queueType.arguments(arguments));
            return;
        } catch (IOException e) {
            if (!QueueType.isTypeMismatch(replyText(e))) {
                throw e;
            }
        } finally {
            closeQuietly(channel);
        }
        Channel passive = open(connection);
        try {
            passive.queueDeclarePassive(queue);
        } finally {
            closeQuietly(passive);
        }
        if (warnedAboutType.add(queue)) {
            log.warn(
                    "Queue {} exists with another type than outbox.queue-type={}; the relay uses it as it is. RabbitMQ"
                            + " cannot change a queue's type: to change it, stop the relay, move the queue's messages elsewhere,"
                            + " delete the queue and start the relay again",
                    queue,
                    queueType.value());
        }
    }

    private static String replyText(IOException e) {
        return e.getCause() instanceof com.rabbitmq.client.ShutdownSignalException signal
                        && signal.getReason() instanceof com.rabbitmq.client.AMQP.Channel.Close close
                ? close.getReplyText()
                : null;
    }

    private static Channel open(Connection connection) throws IOException {
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("no channel available on the RabbitMQ connection");
        }
        return channel;
    }

    static void closeQuietly(Channel channel) {
        if (channel != null && channel.isOpen()) {
            try {
                channel.close();
            } catch (IOException
                    | java.util.concurrent.TimeoutException
                    | com.rabbitmq.client.AlreadyClosedException e) {
                log.debug("Closing a channel failed", e);
            }
        }
    }

    private static boolean isPreconditionFailed(IOException e) {
        return e.getCause() instanceof com.rabbitmq.client.ShutdownSignalException signal
                && signal.getReason() instanceof com.rabbitmq.client.AMQP.Channel.Close close
                && close.getReplyCode() == PRECONDITION_FAILED;
    }
}
