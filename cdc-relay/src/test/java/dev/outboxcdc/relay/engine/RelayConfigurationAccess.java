package dev.outboxcdc.relay.engine;

import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.relay.config.OutboxProperties;

/** Lets tests of other packages build the relay's broker connection factory. */
public final class RelayConfigurationAccess {

    private RelayConfigurationAccess() {}

    /** {@link RelayConfiguration#connectionFactory}. */
    public static ConnectionFactory connectionFactory(OutboxProperties.Rabbitmq rabbitmq) {
        return RelayConfiguration.connectionFactory(rabbitmq);
    }
}
