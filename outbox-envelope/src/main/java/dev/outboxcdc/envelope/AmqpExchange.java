package dev.outboxcdc.envelope;

import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * A durable exchange, neither auto-deleted nor internal, as data and its idempotent declaration.
 *
 * @param name      the exchange's name
 * @param type      {@code topic}, {@code fanout} or a plugin's type such as {@code x-consistent-hash}
 * @param arguments the declaration's arguments, such as {@value OutboxAmqp#ALTERNATE_EXCHANGE}
 */
public record AmqpExchange(String name, String type, Map<String, Object> arguments) {

    /** Checks the values and copies the arguments. */
    public AmqpExchange {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        arguments = Map.copyOf(arguments);
    }

    /**
     * Declares the exchange on a channel of its own.
     *
     * @throws IOException when RabbitMQ refuses it (for one, {@link AmqpChannels#isPreconditionFailed} when it exists
     *                     as another type or with other arguments), or the connection fails
     */
    public void declare(Connection connection) throws IOException {
        AmqpChannels.onOwnChannel(connection, channel -> channel.exchangeDeclare(name, type, true, false, arguments));
    }

    /**
     * Declares the exchange, or keeps it as it is when it exists as another type or with other arguments (checked
     * with a passive declaration).
     *
     * @return true when the exchange is as declared here, false when an exchange of that name was kept as it is
     * @throws IOException when RabbitMQ refuses the declaration for another reason, or the connection fails
     */
    public boolean declareOrKeep(Connection connection) throws IOException {
        try {
            declare(connection);
            return true;
        } catch (IOException e) {
            if (!AmqpChannels.isPreconditionFailed(e)) {
                throw e;
            }
        }
        AmqpChannels.onOwnChannel(connection, channel -> channel.exchangeDeclarePassive(name));
        return false;
    }
}
