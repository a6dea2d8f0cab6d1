package dev.outboxcdc.envelope;

import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * A durable queue, neither exclusive nor auto-deleted, as data and its idempotent declaration.
 *
 * @param name      the queue's name
 * @param arguments the declaration's arguments, {@value QueueType#ARGUMENT} among them
 */
public record AmqpQueue(String name, Map<String, Object> arguments) {

    /** Checks the values and copies the arguments. */
    public AmqpQueue {
        Objects.requireNonNull(name, "name");
        arguments = Map.copyOf(arguments);
    }

    /** The queue {@code name} of {@code type}, with {@code others} as further arguments. */
    public static AmqpQueue of(String name, QueueType type, Map<String, Object> others) {
        return new AmqpQueue(name, type.arguments(others));
    }

    /**
     * Declares the queue on a channel of its own. A queue of that name that exists with another
     * {@value QueueType#ARGUMENT} is kept as it is, as RabbitMQ cannot change a queue's type: a passive
     * declaration checks that it still exists, and the caller decides how to tell the operator.
     *
     * @return true when the queue is as declared here, false when a queue of another type was kept
     * @throws IOException when RabbitMQ refuses the declaration for another reason (such as other arguments),
     *                     or the connection fails
     */
    public boolean declare(Connection connection) throws IOException {
        try {
            AmqpChannels.onOwnChannel(connection, channel -> channel.queueDeclare(name, true, false, false, arguments));
            return true;
        } catch (IOException e) {
            if (!QueueType.isTypeMismatch(AmqpChannels.replyText(e))) {
                throw e;
            }
        }
        AmqpChannels.onOwnChannel(connection, channel -> channel.queueDeclarePassive(name));
        return false;
    }
}
