package dev.outboxcdc.relay.publish;

/**
 * Publishing stopped before RabbitMQ confirmed a batch because the relay is shutting down. The
 * batch's offsets are not committed, so its events are published again after the restart.
 */
public class PublishAbortedException extends RuntimeException {

    /** Creates the exception; {@code eventId} is the first unconfirmed event. */
    public PublishAbortedException(String eventId, int unconfirmed) {
        super("stopped with " + unconfirmed + " event(s) unconfirmed, from event " + eventId
                + ": they are published again after restart");
    }
}
