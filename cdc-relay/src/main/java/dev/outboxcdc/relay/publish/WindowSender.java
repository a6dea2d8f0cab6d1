package dev.outboxcdc.relay.publish;

import com.rabbitmq.client.Channel;
import dev.outboxcdc.relay.envelope.OutboxMessage;
import java.io.IOException;
import java.util.List;

/** Publishes one window of messages ({@code mandatory} set) on a confirm-mode channel and awaits its confirms. */
final class WindowSender {

    private WindowSender() {}

    /**
     * Publishes {@code messages[from, to)} in order, stopping at the first message RabbitMQ's client refuses, then
     * waits until what was sent is acked, one message is nacked, the channel closes or the timeout passes.
     */
    static Result send(
            Channel channel,
            ConfirmTracker tracker,
            List<OutboxMessage> messages,
            int from,
            int to,
            long confirmTimeoutNanos)
            throws IOException {
        tracker.begin(channel.getNextPublishSeqNo(), to - from);
        int sent = from;
        String refusal = null;
        for (; sent < to; sent++) {
            OutboxMessage message = messages.get(sent);
            try {
                channel.basicPublish(
                        message.exchange(), message.routingKey(), true, message.properties(), message.body());
            } catch (IllegalArgumentException e) {
                // Thrown before anything is written (content header over the frame size, short string over 255 bytes).
                refusal = e.getMessage();
                tracker.limit(sent - from);
                break;
            }
        }
        try {
            return new Result(from + tracker.await(confirmTimeoutNanos), sent, refusal);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishAbortedException(messages.get(from).eventId(), to - from);
        }
    }

    /**
     * What happened to a window.
     *
     * @param confirmed index of the first message not acked (== {@code sent} when all sent were acked)
     * @param sent      index of the first message not sent: the window's end, or the refused message
     * @param refusal   the client's reason for refusing message {@code sent}, or null
     */
    record Result(int confirmed, int sent, String refusal) {
        boolean allConfirmed() {
            return confirmed == sent;
        }
    }
}
