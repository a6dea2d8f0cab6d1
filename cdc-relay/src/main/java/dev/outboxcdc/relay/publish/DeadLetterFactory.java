package dev.outboxcdc.relay.publish;

import dev.outboxcdc.relay.envelope.OutboxMessage;
import dev.outboxcdc.relay.envelope.OutboxRow;

/**
 * Makes the dead letter for an outbox row whose message RabbitMQ's client refused to send (for example content
 * headers larger than the negotiated frame size, or a short string over 255 bytes). The relay wires it to
 * {@code MessageFactory::deadLetter}.
 */
@FunctionalInterface
public interface DeadLetterFactory {

    /**
     * The message to publish to {@code outbox.dead-letter} instead of the refused one.
     *
     * @param row    the row the refused message was made from (never null)
     * @param reason why, for header {@code x-outbox-error}
     */
    OutboxMessage deadLetter(OutboxRow row, String reason);
}
