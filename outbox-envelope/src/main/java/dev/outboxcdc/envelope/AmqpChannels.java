package dev.outboxcdc.envelope;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Short-lived channels for declarations, and what RabbitMQ's refusal of one says. A declaration
 * RabbitMQ refuses closes its channel, so each declaration runs on a channel of its own: the caller
 * can handle that refusal for what it is and go on with the next declaration.
 */
public final class AmqpChannels {

    /** The reply code of a declaration whose object exists with another type or other arguments. */
    public static final int PRECONDITION_FAILED = 406;

    private AmqpChannels() {}

    /** Work on a channel. */
    @FunctionalInterface
    public interface ChannelWork {
        /** Runs on {@code channel}. */
        void on(Channel channel) throws IOException;
    }

    /** Runs {@code work} on a new channel of {@code connection} and closes the channel afterwards. */
    public static void onOwnChannel(Connection connection, ChannelWork work) throws IOException {
        Channel channel = open(connection);
        try {
            work.on(channel);
        } finally {
            closeQuietly(channel);
        }
    }

    /**
     * A new channel of {@code connection}.
     *
     * @throws IOException when the connection has no free channel
     */
    public static Channel open(Connection connection) throws IOException {
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("no channel available on the RabbitMQ connection");
        }
        return channel;
    }

    /** Closes {@code channel} if it is open; a refused declaration or a lost connection may have closed it already. */
    public static void closeQuietly(Channel channel) {
        if (channel != null && channel.isOpen()) {
            try {
                channel.close();
            } catch (IOException | TimeoutException | AlreadyClosedException e) {
                // closed meanwhile: nothing left to release
            }
        }
    }

    /** Whether RabbitMQ refused a declaration because the object exists with another type or other arguments. */
    public static boolean isPreconditionFailed(IOException e) {
        return replyCode(e) == PRECONDITION_FAILED;
    }

    /** The reply code RabbitMQ closed the channel with on {@code e} (404, 405, 406, ...), or -1 when it did not. */
    public static int replyCode(IOException e) {
        AMQP.Channel.Close close = channelClose(e);
        return close == null ? -1 : close.getReplyCode();
    }

    /** RabbitMQ's reason for closing the channel on {@code e}, or null when {@code e} is not such a refusal. */
    public static String replyText(IOException e) {
        AMQP.Channel.Close close = channelClose(e);
        return close == null ? null : close.getReplyText();
    }

    private static AMQP.Channel.Close channelClose(IOException e) {
        return e.getCause() instanceof ShutdownSignalException signal
                        && signal.getReason() instanceof AMQP.Channel.Close close
                ? close
                : null;
    }
}
