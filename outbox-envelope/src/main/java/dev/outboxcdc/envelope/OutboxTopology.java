package dev.outboxcdc.envelope;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The RabbitMQ objects outbox events are published to, as data, and the one way to declare them:
 *
 * <ul>
 *   <li>the events exchange, a durable topic exchange with {@value OutboxAmqp#UNROUTED} as its alternate exchange;
 *   <li>the {@value OutboxAmqp#UNROUTED} fanout exchange and queue, the queue holding at most
 *       {@code unroutedMaxLength} messages and refusing publishes beyond ({@code x-overflow=reject-publish}), so that
 *       an unroutable event is refused and retried rather than dropped;
 *   <li>the {@value OutboxAmqp#DEAD_LETTER} fanout exchange and queue;
 *   <li>each fanout exchange bound to the queue of its name; both queues of {@code queueType}.
 * </ul>
 *
 * <p>The relay declares all of it on every connect; consumers declare the events exchange they bind to; tests and
 * benchmarks declare the events exchange before a relay starts; {@code docker/rabbitmq/definitions.json} pre-declares
 * the defaults ({@link #defaults()}). Declaring is idempotent, each declaration on a channel of its own, so that each
 * refusal is handled for what it is: see {@link #declare(Connection)}.
 *
 * @param exchange          the events exchange's name
 * @param unroutedMaxLength the most messages queue {@value OutboxAmqp#UNROUTED} holds
 * @param queueType         the type of queues {@value OutboxAmqp#UNROUTED} and {@value OutboxAmqp#DEAD_LETTER}
 */
public record OutboxTopology(String exchange, long unroutedMaxLength, QueueType queueType) {

    /** The relay's default for the most messages queue {@value OutboxAmqp#UNROUTED} holds. */
    public static final long DEFAULT_UNROUTED_MAX_LENGTH = 1_000_000L;

    /** The alternate exchange of the events exchange. */
    public static final AmqpExchange UNROUTED_EXCHANGE =
            new AmqpExchange(OutboxAmqp.UNROUTED, BuiltinExchangeType.FANOUT.getType(), Map.of());

    /** The exchange rows that cannot become an envelope are published to. */
    public static final AmqpExchange DEAD_LETTER_EXCHANGE =
            new AmqpExchange(OutboxAmqp.DEAD_LETTER, BuiltinExchangeType.FANOUT.getType(), Map.of());

    private static final String MAX_LENGTH = "x-max-length";
    private static final String OVERFLOW = "x-overflow";
    private static final String REJECT_PUBLISH = "reject-publish";

    /** Checks the values. */
    public OutboxTopology {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(queueType, "queueType");
        if (unroutedMaxLength < 1) {
            throw new IllegalArgumentException("unroutedMaxLength must be at least 1, not " + unroutedMaxLength);
        }
    }

    /** The topology with the relay's defaults: exchange {@value OutboxAmqp#EVENTS_EXCHANGE}, classic queues. */
    public static OutboxTopology defaults() {
        return new OutboxTopology(OutboxAmqp.EVENTS_EXCHANGE, DEFAULT_UNROUTED_MAX_LENGTH, QueueType.CLASSIC);
    }

    /** The events exchange {@code name}: durable, topic, {@value OutboxAmqp#UNROUTED} as alternate exchange. */
    public static AmqpExchange eventsExchange(String name) {
        return new AmqpExchange(name, BuiltinExchangeType.TOPIC.getType(), OutboxAmqp.EVENTS_EXCHANGE_ARGUMENTS);
    }

    /** Queue {@value OutboxAmqp#UNROUTED}: at most {@code unroutedMaxLength} messages, publishes beyond refused. */
    public AmqpQueue unroutedQueue() {
        return AmqpQueue.of(
                OutboxAmqp.UNROUTED, queueType, Map.of(MAX_LENGTH, unroutedMaxLength, OVERFLOW, REJECT_PUBLISH));
    }

    /** Queue {@value OutboxAmqp#DEAD_LETTER}. */
    public AmqpQueue deadLetterQueue() {
        return AmqpQueue.of(OutboxAmqp.DEAD_LETTER, queueType, Map.of());
    }

    /** The exchanges, in the order {@link #declare} declares them. */
    public List<AmqpExchange> exchanges() {
        return List.of(UNROUTED_EXCHANGE, DEAD_LETTER_EXCHANGE, eventsExchange(exchange));
    }

    /** The queues, in the order {@link #declare} declares them. */
    public List<AmqpQueue> queues() {
        return List.of(unroutedQueue(), deadLetterQueue());
    }

    /** The bindings: each fanout exchange to the queue of its name. */
    public List<AmqpBinding> bindings() {
        return List.of(ownQueue(UNROUTED_EXCHANGE), ownQueue(DEAD_LETTER_EXCHANGE));
    }

    /**
     * Declares everything, idempotently: the queues, the fanout exchanges and their bindings, then the events
     * exchange. Two refusals are lived with, as RabbitMQ cannot change what exists:
     *
     * <ul>
     *   <li>a queue that exists with another type is kept as it is ({@link Declared#queuesOfOtherType()});
     *   <li>an events exchange that exists with other arguments (typically without the alternate exchange) is kept
     *       as it is ({@link Declared#alternateExchange()} false): whoever publishes must then re-publish returned
     *       events to {@value OutboxAmqp#UNROUTED} itself.
     * </ul>
     *
     * @throws IOException on any other refusal, such as a queue with another length limit or a fanout exchange that
     *                     exists as another type (the message says which), or when the connection fails
     */
    public Declared declare(Connection connection) throws IOException {
        List<String> ofOtherType = new ArrayList<>();
        for (AmqpQueue queue : queues()) {
            if (!queue.declare(connection)) {
                ofOtherType.add(queue.name());
            }
        }
        for (AmqpExchange fanout : List.of(UNROUTED_EXCHANGE, DEAD_LETTER_EXCHANGE)) {
            declareFanout(connection, fanout);
            ownQueue(fanout).declare(connection);
        }
        boolean alternateExchange = eventsExchange(exchange).declareOrKeep(connection);
        return new Declared(alternateExchange, ofOtherType);
    }

    /**
     * Declares the events exchange {@code name} and the exchange it names as alternate exchange, as {@link #declare}
     * does, but no queue: so that tests and benchmarks can bind their queues before a relay starts.
     *
     * @return whether the events exchange has the alternate exchange ({@link AmqpExchange#declareOrKeep})
     */
    public static boolean declareEventsExchange(Connection connection, String name) throws IOException {
        declareFanout(connection, UNROUTED_EXCHANGE);
        return eventsExchange(name).declareOrKeep(connection);
    }

    /**
     * What {@link #declare} found.
     *
     * @param alternateExchange whether the events exchange routes unroutable messages to {@value OutboxAmqp#UNROUTED}
     *                          by itself; false when an existing exchange without it was kept
     * @param queuesOfOtherType the queues that exist with another type than {@code queueType} and were kept
     */
    public record Declared(boolean alternateExchange, List<String> queuesOfOtherType) {

        /** Copies the list. */
        public Declared {
            queuesOfOtherType = List.copyOf(queuesOfOtherType);
        }
    }

    private static AmqpBinding ownQueue(AmqpExchange fanout) {
        return new AmqpBinding(fanout.name(), fanout.name(), "");
    }

    private static void declareFanout(Connection connection, AmqpExchange fanout) throws IOException {
        try {
            fanout.declare(connection);
        } catch (IOException e) {
            if (!AmqpChannels.isPreconditionFailed(e)) {
                throw e;
            }
            throw new IOException(
                    "exchange " + fanout.name() + " exists as another type or with other arguments than a durable "
                            + fanout.type() + " exchange: delete it so that it can be declared again. "
                            + AmqpChannels.replyText(e),
                    e);
        }
    }
}
