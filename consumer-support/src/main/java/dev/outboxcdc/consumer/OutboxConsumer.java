package dev.outboxcdc.consumer;

import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.envelope.OutboxAmqp;
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
 * <p>Needs table {@code processed_events} (DDL in outbox-writer's
 * {@code dev/outboxcdc/writer/schema/processed_events.sql}). {@link #close()} stops consuming and
 * lets the deliveries being handled finish.
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

    /** The queue names, in subscription order. */
    List<String> queues();

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
        private final List<Subscription> subscriptions = new ArrayList<>();

        private Builder() {
        }

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

        /** Where to count handled, duplicate, retried and dead-lettered events. */
        public Builder metrics(ConsumerMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
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
                throw new IllegalArgumentException("name must be 1-200 characters: it names the queues and the"
                        + " processed_events records");
            }
            if (transactions == null) {
                throw new IllegalArgumentException("set dataSource(…) or transactions(…): effects need a database");
            }
            if (connectionFactory == null) {
                throw new IllegalArgumentException("set connectionFactory(…)");
            }
            if (exchange == null || exchange.isBlank()) {
                throw new IllegalArgumentException("exchange must not be blank");
            }
            if (subscriptions.isEmpty()) {
                throw new IllegalArgumentException("subscribe(…) to at least one event type");
            }
            List<String> queues = subscriptions.stream().map(s -> s.queueFor(name)).toList();
            if (queues.stream().distinct().count() != queues.size()) {
                throw new IllegalArgumentException("two subscriptions use the same queue " + queues
                        + ": give one a queue of its own with withQueue(…)");
            }
            return new RabbitOutboxConsumer(name, transactions, connectionFactory, exchange, metrics, List.copyOf(subscriptions));
        }
    }
}
