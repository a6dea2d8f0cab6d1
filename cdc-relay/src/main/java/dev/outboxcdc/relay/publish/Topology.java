package dev.outboxcdc.relay.publish;

import com.rabbitmq.client.Connection;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.envelope.OutboxTopology;
import dev.outboxcdc.envelope.QueueType;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares what the relay publishes to, idempotently, on every (re)connect: the shared {@link OutboxTopology} (the
 * durable topic exchange with {@code outbox.unrouted} as its alternate exchange, and the durable
 * {@code outbox.unrouted} and {@code outbox.dead-letter} exchanges and queues, of the configured {@link QueueType}),
 * and warns once about what it had to keep as it is: a queue that exists with the other type, an events exchange
 * that exists without the alternate exchange.
 */
final class Topology {

    private static final Logger log = LoggerFactory.getLogger(Topology.class);

    private final OutboxTopology topology;
    private final Set<String> warnedAboutType = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean warnedAboutAlternateExchange = new AtomicBoolean();

    Topology(TopologySettings settings) {
        this.topology = new OutboxTopology(settings.exchange(), settings.unroutedMaxLength(), settings.queueType());
    }

    /**
     * Declares everything.
     *
     * @return whether the events exchange routes unroutable messages to {@code outbox.unrouted} by itself;
     *         when false the relay must re-publish returned messages there
     */
    boolean declare(Connection connection) throws IOException {
        OutboxTopology.Declared declared = topology.declare(connection);
        for (String queue : declared.queuesOfOtherType()) {
            if (warnedAboutType.add(queue)) {
                log.warn(
                        "Queue {} exists with another type than outbox.queue-type={}; the relay uses it as it is. RabbitMQ"
                                + " cannot change a queue's type: to change it, stop the relay, move the queue's messages"
                                + " elsewhere, delete the queue and start the relay again",
                        queue,
                        topology.queueType().value());
            }
        }
        if (!declared.alternateExchange() && warnedAboutAlternateExchange.compareAndSet(false, true)) {
            log.warn(
                    "Exchange {} already exists with other arguments than alternate-exchange={}: the relay keeps it as it is"
                            + " and re-publishes returned (unroutable) events to queue {} itself. To let RabbitMQ do it, delete the"
                            + " exchange (and re-create bindings) so the relay can declare it with the alternate exchange.",
                    topology.exchange(),
                    OutboxAmqp.UNROUTED,
                    OutboxAmqp.UNROUTED);
        }
        return declared.alternateExchange();
    }
}
