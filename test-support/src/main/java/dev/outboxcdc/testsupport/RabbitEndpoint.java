package dev.outboxcdc.testsupport;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.envelope.OutboxTopology;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * A RabbitMQ the tests may declare exchanges and queues on.
 *
 * @param uri AMQP URI with credentials
 */
public record RabbitEndpoint(String uri) {

    /** Name of the alternate exchange the relay declares on its events exchange. */
    public static final String UNROUTED = OutboxAmqp.UNROUTED;

    /** A connection factory for {@link #uri()}. */
    public ConnectionFactory factory() {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(uri);
        } catch (Exception e) {
            throw new IllegalStateException("invalid RabbitMQ URI in the test environment", e);
        }
        factory.setAutomaticRecoveryEnabled(false);
        return factory;
    }

    /**
     * A connection factory for {@link #uri()} that recovers broken connections by itself, as
     * consumer-support requires, retrying every 500 ms.
     */
    public ConnectionFactory recoveringFactory() {
        ConnectionFactory factory = factory();
        factory.setAutomaticRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(500);
        return factory;
    }

    /** Opens a connection; the caller closes it. */
    public Connection connect() {
        try {
            return factory().newConnection("outbox-cdc-tests");
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot connect to RabbitMQ for the tests", e);
        }
    }

    /**
     * Declares {@code exchange} exactly as the relay does (durable topic, alternate exchange
     * {@code outbox.unrouted}, see {@link OutboxTopology#declareEventsExchange}), so a test can bind
     * queues before the relay starts.
     */
    public void declareEventsExchange(String exchange) {
        try (Connection connection = connect()) {
            OutboxTopology.declareEventsExchange(connection, exchange);
        } catch (IOException e) {
            throw new IllegalStateException("RabbitMQ operation failed: " + e.getMessage(), e);
        }
    }

    /** Deletes {@code exchange} if it exists. */
    public void deleteExchange(String exchange) {
        withChannel(channel -> channel.exchangeDelete(exchange));
    }

    /** Deletes {@code queue} if it exists. */
    public void deleteQueue(String queue) {
        withChannel(channel -> channel.queueDelete(queue));
    }

    /** The number of ready messages in {@code queue}, or -1 when it does not exist. */
    public long messageCount(String queue) {
        try (Connection connection = connect();
                Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException e) {
            return -1; // 404: the failed check closed the channel
        } catch (TimeoutException | com.rabbitmq.client.AlreadyClosedException e) {
            return -1;
        }
    }

    /** The number of consumers of {@code queue} (active or waiting), or -1 when it does not exist. */
    public long consumerCount(String queue) {
        try (Connection connection = connect();
                Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(queue).getConsumerCount();
        } catch (IOException | TimeoutException | com.rabbitmq.client.AlreadyClosedException e) {
            return -1; // 404: the failed check closed the channel
        }
    }

    /** Runs {@code action} on a fresh channel. */
    public void withChannel(ChannelAction action) {
        try (Connection connection = connect();
                Channel channel = connection.createChannel()) {
            action.run(channel);
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("RabbitMQ operation failed: " + e.getMessage(), e);
        }
    }

    /** Consumes into a new exclusive queue bound to {@code exchange} with {@code bindingKey}. */
    public TestQueue bind(String exchange, String bindingKey) {
        return TestQueue.bind(this, exchange, bindingKey);
    }

    /** Consumes a new durable queue bound to {@code exchange} with acks, surviving broken connections. */
    public TestQueue bindDurable(String exchange, String bindingKey) {
        return TestQueue.bindDurable(this, exchange, bindingKey);
    }

    /** Consumes an existing queue without deleting it. */
    public TestQueue consume(String queue) {
        return TestQueue.consume(this, queue);
    }

    /** Something to do with a channel. */
    @FunctionalInterface
    public interface ChannelAction {
        /** Runs on {@code channel}. */
        void run(Channel channel) throws IOException;
    }
}
