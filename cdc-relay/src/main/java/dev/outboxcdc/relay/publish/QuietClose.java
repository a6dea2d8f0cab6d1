package dev.outboxcdc.relay.publish;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closes channels and connections that may already be closed, logging a failure at DEBUG instead of throwing. */
final class QuietClose {

    private static final Logger log = LoggerFactory.getLogger(QuietClose.class);
    private static final int CONNECTION_CLOSE_TIMEOUT_MILLIS = 5_000;

    private QuietClose() {}

    static void channel(Channel channel) {
        if (channel != null && channel.isOpen()) {
            try {
                channel.close();
            } catch (IOException | TimeoutException | AlreadyClosedException e) {
                log.debug("Closing a channel failed", e);
            }
        }
    }

    static void connection(Connection connection) {
        if (connection != null) {
            try {
                connection.close(CONNECTION_CLOSE_TIMEOUT_MILLIS);
            } catch (IOException | AlreadyClosedException e) {
                log.debug("Closing the RabbitMQ connection failed", e);
            }
        }
    }
}
