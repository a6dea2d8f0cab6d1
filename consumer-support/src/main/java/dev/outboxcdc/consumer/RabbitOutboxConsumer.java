package dev.outboxcdc.consumer;

import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link OutboxConsumer} over amqp-client: checks its processed_events table at start, then runs a
 * {@link ConsumerSession} (one connection, recovered by the client when it breaks, and per worker a consuming
 * channel and a confirm channel for forwarding) until it is closed; reports its {@link ConsumerState}.
 */
final class RabbitOutboxConsumer implements OutboxConsumer {

    private static final Logger log = LoggerFactory.getLogger(RabbitOutboxConsumer.class);
    private static final Duration OUTAGE_FIRST_WAIT = Duration.ofMillis(100);

    private final String name;
    private final Broker broker;
    private final List<Subscription> subscriptions;
    private final StateTracker state;
    private final StopSignal stop = new StopSignal();
    private final WorkerContext context;
    private ConsumerSession session;

    RabbitOutboxConsumer(
            String name,
            Transactions transactions,
            Broker broker,
            ConsumerMetrics metrics,
            ConsumerStateListener stateListener,
            Duration maxOutageBackoff,
            List<Subscription> subscriptions) {
        this.name = name;
        this.broker = broker;
        this.subscriptions = subscriptions;
        this.state = new StateTracker(name, stateListener);
        this.context = new WorkerContext(
                name, transactions, metrics, state, new Backoff(OUTAGE_FIRST_WAIT, maxOutageBackoff), stop);
    }

    @Override
    public List<String> queues() {
        return subscriptions.stream().map(s -> s.queueFor(name)).toList();
    }

    @Override
    public List<SubscriptionQueues> subscriptionQueues() {
        return subscriptions.stream().map(s -> s.queuesFor(name)).toList();
    }

    @Override
    public ConsumerState state() {
        return state.state();
    }

    @Override
    public synchronized void start() {
        if (session != null) {
            throw new IllegalStateException("consumer " + name + " is already started");
        }
        requireProcessedEventsTable();
        stop.reset();
        session = new ConsumerSession(broker, subscriptions, context, stop);
        try {
            session.open();
            state.started();
            log.info("Consumer {} started on {}", name, queues());
        } catch (IOException | TimeoutException e) {
            close();
            throw new IllegalStateException("consumer " + name + " cannot start on RabbitMQ: " + e.getMessage(), e);
        }
    }

    private void requireProcessedEventsTable() {
        try {
            context.transactions().inTransaction(connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(
                            "SELECT consumer, event_id, processed_at FROM " + ProcessedEvents.TABLE + " LIMIT 0");
                }
                return null;
            });
        } catch (Exception e) {
            if (Failures.classify(e) == Failures.Kind.DATABASE_UNAVAILABLE) {
                // Not a configuration error: deliveries wait for the database like in any outage.
                log.warn("Consumer {} starts without its database, which does not answer: {}", name, e.getMessage());
                return;
            }
            if (e instanceof SQLException) {
                throw new IllegalStateException(
                        "consumer " + name + " needs table " + ProcessedEvents.TABLE
                                + " (consumer text, event_id uuid, processed_at timestamptz, PRIMARY KEY (consumer, event_id));"
                                + " create it with consumer-support's dev/outboxcdc/consumer/schema/processed_events.sql (Spring Boot:"
                                + " outbox.consumer.initialize-schema=true): " + e.getMessage(),
                        e);
            }
            throw new IllegalStateException("consumer " + name + " cannot use its database: " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> deleteQueues() {
        synchronized (this) {
            if (session != null) {
                throw new IllegalStateException(
                        "consumer " + name + " is running: close() it before deleting its queues");
            }
        }
        List<String> all =
                subscriptionQueues().stream().flatMap(q -> q.all().stream()).toList();
        try (Connection admin = broker.connect("outbox-consumer-" + name + "-admin")) {
            List<String> deleted = SubscriptionTopology.delete(admin, all);
            log.info("Consumer {} deleted its queues {}", name, deleted);
            return deleted;
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("consumer " + name + " cannot delete its queues: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        stop.stop();
        if (session != null) {
            session.close();
            session = null;
        }
        state.stopped();
    }
}
