package dev.outboxcdc.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.envelope.QueueType;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** The queues the consumer phase fills and drains: declared fresh for each drain, counted, deleted afterwards. */
final class BenchQueues {

    private final ConnectionFactory factory;

    BenchQueues(ConnectionFactory factory) {
        this.factory = factory;
    }

    void declare(String queue) throws Exception {
        // Durable and classic, as consumer-support declares its main queue (SupportConsumer pins the type), so every
        // consumer reads the same kind of queue and consumer-support's own declaration matches.
        try (Connection connection = factory.newConnection("outbox-bench-consumers");
                Channel channel = connection.createChannel()) {
            channel.queueDeclare(queue, true, false, false, QueueType.CLASSIC.arguments(Map.of()));
        }
    }

    /** The ready messages of {@code queue}. */
    long messages(String queue) throws Exception {
        try (Connection connection = factory.newConnection("outbox-bench-consumers");
                Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        }
    }

    /** Deletes {@code queues}; one that cannot be deleted is reported and left. */
    void delete(List<String> queues) throws Exception {
        try (Connection connection = factory.newConnection("outbox-bench-consumers")) {
            for (String queue : queues) {
                try (Channel channel = connection.createChannel()) {
                    channel.queueDelete(queue);
                } catch (IOException e) {
                    System.out.println("bench: consumers: could not delete queue " + queue + ": " + e.getMessage());
                }
            }
        }
    }
}
