package dev.outboxcdc.examples.demo;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.util.List;

/** Deletes the queues the demo's consumers declared (main, retries, dead-letter), so a run leaves nothing behind. */
final class DemoQueues {

    private DemoQueues() {}

    static void delete(String rabbitmqUri) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(rabbitmqUri);
        try (Connection connection = factory.newConnection("outbox-demo-cleanup");
                Channel channel = connection.createChannel()) {
            for (EventKind kind : EventKind.values()) {
                String queue = kind.queue();
                for (String name : List.of(queue, queue + ".dlq", queue + ".retry.1", queue + ".retry.2")) {
                    channel.queueDelete(name);
                }
            }
        }
    }
}
