package dev.outboxcdc.consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link OutboxConsumer} over amqp-client: a channel (and a confirm channel for forwarding) per worker. */
final class RabbitOutboxConsumer implements OutboxConsumer {

    private static final Logger log = LoggerFactory.getLogger(RabbitOutboxConsumer.class);

    private final String name;
    private final Transactions transactions;
    private final ConnectionFactory connectionFactory;
    private final String exchange;
    private final ConsumerMetrics metrics;
    private final List<Subscription> subscriptions;
    private final List<Worker> workers = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private ExecutorService executor;
    private Connection connection;

    private record Worker(Channel channel, String consumerTag) {
    }

    RabbitOutboxConsumer(String name, Transactions transactions, ConnectionFactory connectionFactory, String exchange,
            ConsumerMetrics metrics, ConsumerStateListener stateListener, java.time.Duration maxOutageBackoff,
            List<Subscription> subscriptions) {
        this.name = name;
        this.transactions = transactions;
        this.connectionFactory = connectionFactory;
        this.exchange = exchange;
        this.metrics = metrics;
        this.subscriptions = subscriptions;
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
        return connection == null ? ConsumerState.STOPPED : ConsumerState.RUNNING;
    }

    @Override
    public List<String> deleteQueues() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public synchronized void start() {
        if (connection != null) {
            throw new IllegalStateException("consumer " + name + " is already started");
        }
        requireProcessedEventsTable();
        int threads = subscriptions.stream().mapToInt(Subscription::concurrency).sum();
        AtomicInteger counter = new AtomicInteger();
        executor = Executors.newFixedThreadPool(threads, r -> new Thread(r, "outbox-consumer-" + name + "-" + counter.incrementAndGet()));
        try {
            connection = connectionFactory.newConnection(executor, "outbox-consumer-" + name);
            for (Subscription subscription : subscriptions) {
                String queue = subscription.queueFor(name);
                SubscriptionTopology.declare(connection, exchange, queue, subscription);
                for (int i = 0; i < subscription.concurrency(); i++) {
                    workers.add(startWorker(queue, subscription));
                }
            }
            log.info("Consumer {} started on {}", name, queues());
        } catch (IOException | TimeoutException e) {
            close();
            throw new IllegalStateException("consumer " + name + " cannot start on RabbitMQ: " + e.getMessage(), e);
        }
    }

    private Worker startWorker(String queue, Subscription subscription) throws IOException {
        Channel channel = connection.createChannel();
        channel.basicQos(subscription.prefetch());
        Channel forwarding = connection.createChannel();
        forwarding.confirmSelect();
        DeliveryProcessor processor = new DeliveryProcessor(name, queue, subscription, transactions, metrics, channel, forwarding);
        String tag = channel.basicConsume(queue, false, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                inFlight.incrementAndGet();
                try {
                    processor.process(new Delivery(envelope, properties, body));
                } catch (IOException | RuntimeException e) {
                    // The ack or nack could not be sent: the broker redelivers the message, and the
                    // processed_events record makes the redelivery a skipped duplicate if it committed.
                    log.warn("Consumer {} could not settle a delivery of {}: {}", name, queue, e.getMessage());
                } finally {
                    inFlight.decrementAndGet();
                }
            }
        });
        return new Worker(channel, tag);
    }

    private void requireProcessedEventsTable() {
        try {
            transactions.inTransaction(connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SELECT consumer, event_id, processed_at FROM " + ProcessedEvents.TABLE + " LIMIT 0");
                }
                return null;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("consumer " + name + " needs table " + ProcessedEvents.TABLE
                    + " (consumer text, event_id uuid, processed_at timestamptz, PRIMARY KEY (consumer, event_id));"
                    + " create it with outbox-writer's dev/outboxcdc/writer/schema/processed_events.sql: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("consumer " + name + " cannot use its database: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        for (Worker worker : workers) {
            try {
                if (worker.channel().isOpen()) {
                    worker.channel().basicCancel(worker.consumerTag());
                }
            } catch (IOException | RuntimeException e) {
                log.debug("Cancelling a consumer of {} failed", name, e);
            }
        }
        workers.clear();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // let the deliveries being handled commit and ack
        }
        if (inFlight.get() > 0) {
            log.warn("Consumer {} stopped with deliveries still being handled; they are redelivered", name);
        }
        if (connection != null) {
            try {
                connection.close(10_000);
            } catch (IOException | RuntimeException e) {
                log.debug("Closing the connection of consumer {} failed", name, e);
            }
            connection = null;
        }
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }
}
