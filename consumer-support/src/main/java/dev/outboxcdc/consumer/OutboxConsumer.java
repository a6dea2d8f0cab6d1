package dev.outboxcdc.consumer;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.envelope.QueueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Consumes outbox events from RabbitMQ with exactly-once effect: each event's effect and its
 * {@code processed_events} record commit in one transaction, and the message is acked only after
 * that commit. Redeliveries (after a crash between commit and ack, or duplicates published by the
 * relay) find the record and are acked without running the handler.
 *
 * <pre>{@code
 * OutboxConsumer payroll = OutboxConsumer.builder()
 *         .name("payroll")
 *         .dataSource(dataSource)
 *         .connectionFactory(connectionFactory)
 *         .subscribe(Subscription.to((event, connection) -> createPayrollRecord(event, connection), "employee.created"))
 *         .build();
 * payroll.start();   // declares payroll.employee.created, its retry queues and payroll.employee.created.dlq
 * }</pre>
 *
 * <p>Needs table {@code processed_events} (DDL in {@code dev/outboxcdc/consumer/schema/processed_events.sql}).
 * {@link #close()} stops consuming and lets the deliveries being handled finish.
 *
 * <p>Failures are told apart. A handler that throws is a failed attempt: retried through the retry
 * queues, then dead-lettered. A database that does not answer (no connection, a broken connection,
 * SQLState classes 08, 53 and 57P, a pool timeout, a transient JDBC exception) is not: the worker holds
 * the delivery, waits with backoff and jitter ({@link ConsumerState#WAITING_FOR_DATABASE}) and retries
 * it until the database answers. Serialization failures and deadlocks (40001, 40P01) are retried in
 * place, after a pause of tens of milliseconds, a few times before they count as an attempt. Copies
 * to retry and dead-letter queues are confirmed and routed (a deleted queue is declared again) before
 * the original is acked.
 *
 * <p>This file is kept whole although it runs past 200 lines: {@link Builder} is public API as
 * {@code OutboxConsumer.Builder} (applications and the Spring auto-configuration use it), and most of its length
 * is the documentation of the settings, next to the validation {@link Builder#build()} does once.
 */
public interface OutboxConsumer extends AutoCloseable {

    /** A builder; {@code name}, a data source (or transactions), a connection factory and one subscription are required. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Declares the queues and starts consuming.
     *
     * @throws IllegalStateException when RabbitMQ or the database cannot be used, saying why
     */
    void start();

    /** The main queue names, in subscription order. */
    List<String> queues();

    /** Every queue each subscription declares (main, retries, dead-letter), in subscription order. */
    List<SubscriptionQueues> subscriptionQueues();

    /** What the consumer is doing now; only {@link ConsumerState#RUNNING} is ready. */
    ConsumerState state();

    /**
     * Deletes every queue of {@link #subscriptionQueues()}, with the messages in them, e.g. when a
     * consumer is retired or its retry policy changes. Only while the consumer is stopped.
     *
     * @return the queues that existed and were deleted
     * @throws IllegalStateException when the consumer is running, or RabbitMQ cannot be reached
     */
    List<String> deleteQueues();

    /** Stops consuming and closes the RabbitMQ connection. */
    @Override
    void close();

    /** Configures an {@link OutboxConsumer}; validated once, by {@link #build()}. */
    final class Builder {

        private String name;
        private Transactions transactions;
        private ConnectionFactory connectionFactory;
        private String exchange = OutboxAmqp.EVENTS_EXCHANGE;
        private ConsumerMetrics metrics = ConsumerMetrics.NONE;
        private ConsumerStateListener stateListener = state -> {};
        private Duration maxOutageBackoff = DEFAULT_MAX_OUTAGE_BACKOFF;
        private List<Address> addresses = List.of();
        private QueueType queueType = QueueType.CLASSIC;
        private final List<Subscription> subscriptions = new ArrayList<>();

        /** Longest wait between two tries while the database does not answer, by default. */
        public static final Duration DEFAULT_MAX_OUTAGE_BACKOFF = Duration.ofSeconds(5);

        private Builder() {}

        /** The consumer's name: the first part of its queue names and its key in {@code processed_events}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Runs each event in a JDBC transaction on a connection of {@code dataSource}. */
        public Builder dataSource(DataSource dataSource) {
            this.transactions = Transactions.jdbc(Objects.requireNonNull(dataSource, "dataSource"));
            return this;
        }

        /** Runs each event in transactions of this kind (e.g. Spring-managed ones). */
        public Builder transactions(Transactions transactions) {
            this.transactions = Objects.requireNonNull(transactions, "transactions");
            return this;
        }

        /** Where to connect to RabbitMQ. */
        public Builder connectionFactory(ConnectionFactory connectionFactory) {
            this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory");
            return this;
        }

        /** The events exchange, {@value OutboxAmqp#EVENTS_EXCHANGE} by default. */
        public Builder exchange(String exchange) {
            this.exchange = exchange;
            return this;
        }

        /**
         * The nodes of a RabbitMQ cluster: the consumer connects to the first that answers and, when its node goes
         * away, recovers its connection on another. The connection factory still gives the credentials, virtual
         * host and TLS. Empty (the default): the factory's host and port.
         */
        public Builder addresses(List<Address> nodes) {
            this.addresses = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
            return this;
        }

        /**
         * The type of the queues the consumer declares (main, retry and dead-letter queues): {@link QueueType#CLASSIC}
         * (the default) or {@link QueueType#QUORUM}, replicated over a cluster. A queue that already exists with the
         * other type is used as it is, with a warning.
         */
        public Builder queueType(QueueType type) {
            this.queueType = Objects.requireNonNull(type, "type");
            return this;
        }

        /** Where to count handled, duplicate, retried and dead-lettered events. */
        public Builder metrics(ConsumerMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /** Told of every change of {@link OutboxConsumer#state()}, e.g. to report readiness. */
        public Builder stateListener(ConsumerStateListener listener) {
            this.stateListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The longest wait between two tries of a delivery while the database does not answer
         * (5 s by default); waits start at 100 ms and double, with jitter.
         */
        public Builder maxOutageBackoff(Duration maxBackoff) {
            this.maxOutageBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
            return this;
        }

        /** Adds a subscription. */
        public Builder subscribe(Subscription subscription) {
            subscriptions.add(Objects.requireNonNull(subscription, "subscription"));
            return this;
        }

        /**
         * Builds the consumer.
         *
         * @throws IllegalArgumentException naming the missing or invalid setting
         */
        public OutboxConsumer build() {
            if (name == null || name.isBlank() || name.length() > 200) {
                throw new IllegalArgumentException(
                        "name must be 1-200 characters: it names the queues and the" + " processed_events records");
            }
            if (transactions == null) {
                throw new IllegalArgumentException("set dataSource(…) or transactions(…): effects need a database");
            }
            if (connectionFactory == null) {
                throw new IllegalArgumentException("set connectionFactory(…)");
            }
            if (!connectionFactory.isAutomaticRecoveryEnabled()) {
                throw new IllegalArgumentException(
                        "the connectionFactory has automatic recovery switched off: the consumer"
                                + " needs it to come back after a broker restart (setAutomaticRecoveryEnabled(true), the default)");
            }
            if (maxOutageBackoff.compareTo(Duration.ofMillis(100)) < 0
                    || maxOutageBackoff.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException(
                        "maxOutageBackoff must be between 100 ms and 10 min, was " + maxOutageBackoff);
            }
            if (exchange == null || exchange.isBlank()) {
                throw new IllegalArgumentException("exchange must not be blank");
            }
            if (subscriptions.isEmpty()) {
                throw new IllegalArgumentException("subscribe(…) to at least one event type");
            }
            List<String> queues =
                    subscriptions.stream().map(s -> s.queueFor(name)).toList();
            if (queues.stream().distinct().count() != queues.size()) {
                throw new IllegalArgumentException("two subscriptions use the same queue " + queues
                        + ": give one a queue of its own with withQueue(…)");
            }
            return new RabbitOutboxConsumer(
                    name,
                    transactions,
                    new Broker(connectionFactory, addresses, exchange, queueType),
                    metrics,
                    stateListener,
                    maxOutageBackoff,
                    List.copyOf(subscriptions));
        }
    }
}
