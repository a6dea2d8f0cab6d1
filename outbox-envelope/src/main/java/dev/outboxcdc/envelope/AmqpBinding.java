package dev.outboxcdc.envelope;

import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.Objects;

/**
 * A binding of a queue to an exchange, as data and its idempotent declaration.
 *
 * @param exchange   the source exchange
 * @param queue      the destination queue
 * @param routingKey the binding key; empty for a fanout exchange
 */
public record AmqpBinding(String exchange, String queue, String routingKey) {

    /** Checks the values. */
    public AmqpBinding {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(routingKey, "routingKey");
    }

    /**
     * Binds, on a channel of its own.
     *
     * @throws IOException when RabbitMQ refuses it (the exchange or queue does not exist), or the connection fails
     */
    public void declare(Connection connection) throws IOException {
        AmqpChannels.onOwnChannel(connection, channel -> channel.queueBind(queue, exchange, routingKey));
    }
}
