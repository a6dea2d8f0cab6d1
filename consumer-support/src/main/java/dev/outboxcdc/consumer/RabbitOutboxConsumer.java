package dev.outboxcdc.consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link OutboxConsumer} over amqp-client: one connection (recovered by the client when it breaks),
 * and per worker a consuming channel and a confirm channel for forwarding. A channel the broker
 * closes or a consumer it cancels (its queue was deleted) is opened again, the queues declared again,
 * after a backoff.
 */
final class RabbitOutboxConsumer implements OutboxConsumer {

    private static final Logger log = LoggerFactory.getLogger(RabbitOutboxConsumer.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);
    private static final Backoff REOPEN_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
    private static final Duration OUTAGE_FIRST_WAIT = Duration.ofMillis(100);
    private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Transactions transactions;
    private final Broker broker;
    private final ConsumerMetrics metrics;
    private final StateTracker state;
    private final Backoff outageBackoff;
    private final List<Subscription> subscriptions;
    private final List<Worker> workers = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile CountDownLatch stopping = new CountDownLatch(0);
    private ExecutorService executor;
    private ScheduledExecutorService reopener;
    private volatile Connection connection;

    RabbitOutboxConsumer(
            String name,
            Transactions transactions,
            Broker broker,
            ConsumerMetrics metrics,
            ConsumerStateListener stateListener,
            Duration maxOutageBackoff,
            List<Subscription> subscriptions) {
        this.name = name;
        this.transactions = transactions;
        this.broker = broker;
        this.metrics = metrics;
        this.state = new StateTracker(name, stateListener);
        this.outageBackoff = new Backoff(OUTAGE_FIRST_WAIT, maxOutageBackoff);
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
        return state.state();
    }

    @Override
    public synchronized void start() {
        if (connection != null) {
            throw new IllegalStateException("consumer " + name + " is already started");
        }
        requireProcessedEventsTable();
        stopping = new CountDownLatch(1);
        int threads = subscriptions.stream()
                .mapToInt(s -> s.partitioned() ? s.partitions() : s.concurrency())
                .sum();
        AtomicInteger counter = new AtomicInteger();
        executor = Executors.newFixedThreadPool(
                threads, r -> new Thread(r, "outbox-consumer-" + name + "-" + counter.incrementAndGet()));
        reopener = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "outbox-consumer-" + name + "-reopen");
            thread.setDaemon(true);
            return thread;
        });
        try {
            connection = broker.connect(executor, "outbox-consumer-" + name);
            watchConnection(connection);
            for (Subscription subscription : subscriptions) {
                String queue = subscription.queueFor(name);
                SubscriptionTopology.declare(connection, broker, queue, subscription);
                if (subscription.partitioned()) {
                    startBalancer(queue, subscription);
                    continue;
                }
                for (int i = 0; i < subscription.concurrency(); i++) {
                    Worker worker = new Worker(queue, queue, subscription);
                    worker.open();
                    workers.add(worker);
                }
            }
            state.started();
            log.info("Consumer {} started on {}", name, queues());
        } catch (IOException | TimeoutException e) {
            close();
            throw new IllegalStateException("consumer " + name + " cannot start on RabbitMQ: " + e.getMessage(), e);
        }
    }

    /** Consumes this instance's share of a partitioned subscription's partitions, rebalanced as instances come and go. */
    private void startBalancer(String queue, Subscription subscription) {
        Map<Integer, Worker> byPartition = new ConcurrentHashMap<>();
        PartitionBalancer balancer = new PartitionBalancer(
                name,
                queue,
                subscription.partitions(),
                new MembershipSlots(queue, () -> connection),
                new PartitionBalancer.Partitions() {
                    @Override
                    public void acquire(int index) throws IOException {
                        Worker worker =
                                new Worker(queue, SubscriptionQueues.partitionQueue(queue, index), subscription);
                        worker.open();
                        byPartition.put(index, worker);
                        workers.add(worker);
                    }

                    @Override
                    public void release(int index) {
                        Worker worker = byPartition.remove(index);
                        if (worker != null) {
                            workers.remove(worker);
                            worker.release();
                        }
                    }
                });
        balancer.rebalance();
        reopener.scheduleWithFixedDelay(
                balancer::rebalance,
                PartitionBalancer.REBALANCE_INTERVAL.toMillis(),
                PartitionBalancer.REBALANCE_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void watchConnection(Connection opened) {
        opened.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication() && stopping.getCount() > 0) {
                state.brokerLost(cause.getMessage());
            }
        });
        if (opened instanceof Recoverable recoverable) {
            recoverable.addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recovered) {
                    state.brokerRecovered();
                }

                @Override
                public void handleRecoveryStarted(Recoverable recovering) {
                    // brokerLost was reported by the shutdown listener
                }
            });
        }
    }

    private boolean pause(Duration duration) {
        try {
            return !stopping.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * One worker of a subscription: a consuming channel, opened again when the broker closes it.
     * {@code queue} names the subscription (its retry and dead-letter queues); {@code consumed} is the
     * queue it consumes: the same, or one partition of it.
     */
    private final class Worker {

        private final String queue;
        private final String consumed;
        private final Subscription subscription;
        private final ConfirmingForwarder forwarder;
        private final ReentrantLock handling = new ReentrantLock();
        private volatile boolean released;
        private volatile Channel channel;
        private volatile String consumerTag;

        Worker(String queue, String consumed, Subscription subscription) {
            this.queue = queue;
            this.consumed = consumed;
            this.subscription = subscription;
            this.forwarder = new ConfirmingForwarder(
                    connection,
                    target ->
                            SubscriptionTopology.redeclare(connection, broker.queueType(), queue, subscription, target),
                    CONFIRM_TIMEOUT);
        }

        void open() throws IOException {
            Channel opened = connection.createChannel();
            if (opened == null) {
                throw new IOException("the connection has no free channel");
            }
            opened.basicQos(subscription.prefetch());
            DeliveryProcessor.Acks acks = new DeliveryProcessor.Acks() {
                @Override
                public void ack(long deliveryTag) throws IOException {
                    opened.basicAck(deliveryTag, false);
                }

                @Override
                public void requeue(long deliveryTag) throws IOException {
                    opened.basicNack(deliveryTag, false, true);
                }
            };
            DeliveryProcessor processor = new DeliveryProcessor(
                    new WorkerContext(
                            name, transactions, metrics, state, outageBackoff, RabbitOutboxConsumer.this::pause),
                    queue,
                    subscription,
                    acks,
                    forwarder);
            opened.addShutdownListener(cause -> {
                // A connection failure is recovered by the client, channels included; a channel the broker
                // closed by itself (a delivery held past consumer_timeout, an error) is not.
                if (!cause.isInitiatedByApplication() && !cause.isHardError() && opened == channel) {
                    log.warn(
                            "Consumer {}: the broker closed a channel of {}; opening it again: {}",
                            name,
                            consumed,
                            cause.getMessage());
                    scheduleReopen(this, 1, false);
                }
            });
            channel = opened;
            consumerTag = opened.basicConsume(consumed, false, new DefaultConsumer(opened) {
                @Override
                public void handleDelivery(
                        String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                    inFlight.incrementAndGet();
                    handling.lock();
                    try {
                        if (released) {
                            return; // given up: closing the channel requeues it, in order, for the next instance
                        }
                        processor.process(new Delivery(envelope, properties, body));
                    } catch (IOException | RuntimeException e) {
                        // The ack or nack could not be sent: the broker redelivers the message, and the
                        // processed_events record makes the redelivery a skipped duplicate if it committed.
                        log.warn("Consumer {} could not settle a delivery of {}: {}", name, consumed, e.getMessage());
                    } finally {
                        handling.unlock();
                        inFlight.decrementAndGet();
                    }
                }

                @Override
                public void handleCancel(String tag) {
                    log.warn(
                            "Consumer {}: the broker cancelled consuming {} (the queue was deleted?); declaring it"
                                    + " again and consuming anew",
                            name,
                            consumed);
                    scheduleReopen(Worker.this, 1, true);
                }
            });
        }

        /**
         * Stops consuming for good, for another instance to take over: waits for the delivery being handled, then
         * closes the channel, which requeues the deliveries not handled yet in their order before the single-active
         * consumer moves on.
         */
        void release() {
            released = true;
            try {
                // Wait for the delivery being handled; those after it see released and are left to the close.
                if (handling.tryLock(RELEASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    handling.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Not under the lock: closing the channel must never wait on a consumer thread that waits for it.
            abandon();
            forwarder.close();
        }

        void cancel() {
            Channel current = channel;
            channel = null;
            try {
                if (current != null && current.isOpen()) {
                    current.basicCancel(consumerTag);
                }
            } catch (IOException | RuntimeException e) {
                log.debug("Cancelling a consumer of {} failed", queue, e);
            }
        }

        void abandon() {
            Channel current = channel;
            channel = null;
            if (current != null && current.isOpen()) {
                try {
                    current.abort();
                } catch (IOException | RuntimeException e) {
                    log.debug("Aborting a channel of {} failed", queue, e);
                }
            }
        }
    }

    private void scheduleReopen(Worker worker, int attempt, boolean declare) {
        ScheduledExecutorService scheduler = reopener;
        if (stopping.getCount() == 0 || scheduler == null) {
            return;
        }
        Duration wait = REOPEN_BACKOFF.delay(attempt);
        try {
            scheduler.schedule(() -> reopen(worker, attempt, declare), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Not reopening a channel of {}: the consumer is stopping", worker.queue);
        }
    }

    private void reopen(Worker worker, int attempt, boolean declare) {
        if (stopping.getCount() == 0 || worker.released) {
            return;
        }
        try {
            worker.abandon();
            if (declare) {
                SubscriptionTopology.declare(connection, broker, worker.queue, worker.subscription);
            }
            worker.open();
            log.info("Consumer {} consumes {} again", name, worker.consumed);
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "Consumer {} could not consume {} again (try {}), retrying: {}",
                    name,
                    worker.queue,
                    attempt,
                    e.getMessage());
            scheduleReopen(worker, attempt + 1, declare);
        }
    }

    private void requireProcessedEventsTable() {
        try {
            transactions.inTransaction(connection -> {
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
            if (connection != null) {
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
        stopping.countDown();
        if (reopener != null) {
            reopener.shutdownNow();
            reopener = null;
        }
        workers.forEach(Worker::cancel);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // let the deliveries being handled commit and ack
        }
        if (inFlight.get() > 0) {
            log.warn("Consumer {} stopped with deliveries still being handled; they are redelivered", name);
        }
        workers.forEach(w -> w.forwarder.close());
        workers.clear();
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
        state.stopped();
    }
}
