package dev.outboxcdc.envelope;

import java.util.Map;

/**
 * Names on the RabbitMQ side of the contract: exchanges, queues and headers that the relay
 * declares and publishes with, and that consumers bind to and read. {@link OutboxTopology} puts the
 * exchanges and queues together with their arguments.
 */
public final class OutboxAmqp {

    /** Default durable topic exchange events are published to, routing key = event type. */
    public static final String EVENTS_EXCHANGE = "outbox.events";
    /** Alternate exchange and queue for events no queue is bound for. */
    public static final String UNROUTED = "outbox.unrouted";
    /** The exchange argument naming an exchange's alternate exchange. */
    public static final String ALTERNATE_EXCHANGE = "alternate-exchange";
    /**
     * Arguments the events exchange is declared with (durable topic). Whoever declares it first,
     * relay or consumer, uses these, so the other's declaration matches.
     */
    public static final Map<String, Object> EVENTS_EXCHANGE_ARGUMENTS = Map.of(ALTERNATE_EXCHANGE, UNROUTED);
    /** Exchange and queue for rows that cannot become an envelope. */
    public static final String DEAD_LETTER = "outbox.dead-letter";

    /** Header carrying the row's {@code aggregate_type}, when the column is present and set. */
    public static final String HEADER_AGGREGATE_TYPE = "aggregate_type";
    /** Header carrying the row's {@code aggregate_id}, when the column is present and set. */
    public static final String HEADER_AGGREGATE_ID = "aggregate_id";
    /** Header on a dead-lettered message naming why it was dead-lettered. */
    public static final String HEADER_ERROR = "x-outbox-error";

    /** AMQP delivery mode of a persistent message. */
    public static final int PERSISTENT = 2;

    /**
     * The most UTF-8 bytes an AMQP short string holds: exchange names, routing keys (so event types),
     * the message id and type properties, and header names.
     */
    public static final int MAX_SHORT_STRING_BYTES = 255;

    private OutboxAmqp() {}
}
