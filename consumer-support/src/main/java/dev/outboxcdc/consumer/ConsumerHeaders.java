package dev.outboxcdc.consumer;

/** Headers consumer-support adds to events it sends to retry and dead-letter queues. */
public final class ConsumerHeaders {

    /** The attempt the message is on (1 for the first delivery). */
    public static final String ATTEMPT = "x-outbox-attempt";
    /** Why the last attempt failed, or why the body is not a valid envelope. */
    public static final String ERROR = dev.outboxcdc.envelope.OutboxAmqp.HEADER_ERROR;
    /** The consumer that failed to handle the event. */
    public static final String CONSUMER = "x-outbox-consumer";
    /** The routing key the event was first published with. */
    public static final String ROUTING_KEY = "x-outbox-routing-key";

    private ConsumerHeaders() {}
}
