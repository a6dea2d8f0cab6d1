package dev.outboxcdc.relay.publish;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.relay.health.RelayMetrics;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts events that land in {@code outbox.unrouted}. The alternate exchange routes unroutable events
 * without telling the publisher, so the relay binds an exclusive, bounded queue of its own to the
 * {@code outbox.unrouted} fanout exchange and counts (and discards) the copies it receives; the
 * durable {@code outbox.unrouted} queue keeps the events. Logs the first unrouted event of each type.
 */
final class UnroutedTap {

    private static final Logger log = LoggerFactory.getLogger(UnroutedTap.class);
    private static final int TAP_MAX_LENGTH = 10_000;

    private final RelayMetrics metrics;
    private final Set<String> typesLogged = ConcurrentHashMap.newKeySet();

    UnroutedTap(RelayMetrics metrics) {
        this.metrics = metrics;
    }

    void start(Connection connection) throws IOException {
        Channel channel = connection.createChannel();
        String queue = channel.queueDeclare("", false, true, true, Map.of("x-max-length", TAP_MAX_LENGTH)).getQueue();
        channel.queueBind(queue, OutboxAmqp.UNROUTED, "");
        channel.basicConsume(queue, true, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                metrics.unrouted(1);
                String type = properties.getType() != null ? properties.getType() : envelope.getRoutingKey();
                if (typesLogged.add(type)) {
                    log.warn("Event {} of type {} had no queue bound for it and went to queue {}; later ones of this type"
                            + " are only counted (outbox_relay_events_unrouted_total)", properties.getMessageId(), type,
                            OutboxAmqp.UNROUTED);
                }
            }
        });
    }
}
