package dev.outboxcdc.testsupport;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * A queue a test consumes with auto-ack, collecting every delivery in arrival order. A bound queue
 * is exclusive: RabbitMQ deletes it when {@link #close()} closes the connection.
 */
public final class TestQueue implements AutoCloseable {

    private final Connection connection;
    private final Channel channel;
    private final String name;
    private final List<Delivery> deliveries = new ArrayList<>();

    private TestQueue(Connection connection, Channel channel, String name) {
        this.connection = connection;
        this.channel = channel;
        this.name = name;
    }

    static TestQueue bind(RabbitEndpoint rabbit, String exchange, String bindingKey) {
        Connection connection = rabbit.connect();
        try {
            Channel channel = connection.createChannel();
            String queue = channel.queueDeclare(UniqueNames.of("test_queue"), false, true, true, null)
                    .getQueue();
            channel.queueBind(queue, exchange, bindingKey);
            return start(connection, channel, queue, true);
        } catch (IOException e) {
            closeQuietly(connection);
            throw new IllegalStateException("cannot bind a test queue to " + exchange + ": " + e.getMessage(), e);
        }
    }

    /**
     * Declares a durable queue bound to {@code exchange} and consumes it with manual acks over a
     * connection that recovers by itself, so a test that breaks every broker connection (rabbitmqctl
     * close_all_connections) loses nothing: unacked messages are redelivered. Delete the queue after.
     */
    static TestQueue bindDurable(RabbitEndpoint rabbit, String exchange, String bindingKey) {
        com.rabbitmq.client.ConnectionFactory factory = rabbit.factory();
        factory.setAutomaticRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(500);
        try {
            Connection connection = factory.newConnection("outbox-cdc-tests-durable");
            Channel channel = connection.createChannel();
            String queue = UniqueNames.of("test_durable");
            channel.queueDeclare(queue, true, false, false, null);
            channel.queueBind(queue, exchange, bindingKey);
            return start(connection, channel, queue, false);
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(
                    "cannot bind a durable test queue to " + exchange + ": " + e.getMessage(), e);
        }
    }

    static TestQueue consume(RabbitEndpoint rabbit, String queue) {
        Connection connection = rabbit.connect();
        try {
            return start(connection, connection.createChannel(), queue, true);
        } catch (IOException e) {
            closeQuietly(connection);
            throw new IllegalStateException("cannot consume " + queue + ": " + e.getMessage(), e);
        }
    }

    private static TestQueue start(Connection connection, Channel channel, String queue, boolean autoAck)
            throws IOException {
        TestQueue testQueue = new TestQueue(connection, channel, queue);
        channel.basicQos(1000);
        channel.basicConsume(queue, autoAck, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                    throws IOException {
                synchronized (testQueue.deliveries) {
                    testQueue.deliveries.add(new Delivery(envelope, properties, body));
                }
                if (!autoAck) {
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                }
            }
        });
        return testQueue;
    }

    /** The queue name. */
    public String name() {
        return name;
    }

    /** A copy of every delivery so far, in arrival order. */
    public List<Delivery> deliveries() {
        synchronized (deliveries) {
            return new ArrayList<>(deliveries);
        }
    }

    /** The bodies so far, as UTF-8 text. */
    public List<String> bodies() {
        return deliveries().stream()
                .map(d -> new String(d.getBody(), StandardCharsets.UTF_8))
                .toList();
    }

    /** The {@code message_id} of each delivery so far. */
    public List<String> messageIds() {
        return deliveries().stream().map(d -> d.getProperties().getMessageId()).toList();
    }

    /** Waits until at least {@code count} messages arrived; returns them. */
    public List<Delivery> awaitAtLeast(int count, Duration timeout) {
        Awaitility.await("at least " + count + " message(s) on " + name)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> deliveries().size() >= count);
        return deliveries();
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (IOException | com.rabbitmq.client.AlreadyClosedException e) {
            // already gone
        }
    }
}
