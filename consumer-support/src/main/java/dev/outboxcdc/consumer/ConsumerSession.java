package dev.outboxcdc.consumer;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a started consumer, from {@link #open()} to {@link #close()}: its threads, its connection (recovered
 * by amqp-client when it breaks, its state changes reported), the subscriptions' queues declared on it, and the
 * workers consuming them: {@code concurrency} workers per plain subscription, and for a partitioned one a
 * {@link PartitionBalancer} that hands its share of the partitions to workers. A scheduler thread reopens the
 * channels the broker closes and rebalances the partitions.
 */
final class ConsumerSession {

    private static final Logger log = LoggerFactory.getLogger(ConsumerSession.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);
    private static final Backoff REOPEN_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
    /** How long a stop waits for the deliveries being handled to commit and ack. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Broker broker;
    private final List<Subscription> subscriptions;
    private final WorkerContext context;
    private final StopSignal stop;
    private final InFlight inFlight = new InFlight();
    private final List<QueueWorker> workers = new CopyOnWriteArrayList<>();
    private final ExecutorService executor;
    private final ScheduledExecutorService scheduler;
    private final ChannelReopener reopener;
    private volatile Connection connection;

    /** Makes the threads of one run: a consumer thread per worker, and the scheduler. */
    ConsumerSession(Broker broker, List<Subscription> subscriptions, WorkerContext context, StopSignal stop) {
        this.name = context.consumer();
        this.broker = broker;
        this.subscriptions = subscriptions;
        this.context = context;
        this.stop = stop;
        int threads = subscriptions.stream()
                .mapToInt(s -> s.partitioned() ? s.partitions() : s.concurrency())
                .sum();
        AtomicInteger counter = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(
                threads, r -> new Thread(r, "outbox-consumer-" + name + "-" + counter.incrementAndGet()));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "outbox-consumer-" + name + "-reopen");
            thread.setDaemon(true);
            return thread;
        });
        this.reopener = new ChannelReopener(
                name,
                scheduler,
                stop,
                (queue, subscription) -> SubscriptionTopology.declare(connection, broker, queue, subscription),
                REOPEN_BACKOFF);
    }

    /** Connects, declares every subscription's queues and starts consuming them. */
    void open() throws IOException, TimeoutException {
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
                QueueWorker worker = worker(queue, queue, subscription);
                worker.open();
                workers.add(worker);
            }
        }
    }

    /** Consumes this instance's share of a partitioned subscription's partitions, rebalanced as instances come and go. */
    private void startBalancer(String queue, Subscription subscription) {
        PartitionBalancer balancer = new PartitionBalancer(
                name,
                queue,
                subscription.partitions(),
                new MembershipSlots(queue, () -> connection),
                new PartitionWorkers(queue, partition -> worker(queue, partition, subscription), workers));
        balancer.rebalance();
        long interval = PartitionBalancer.REBALANCE_INTERVAL.toMillis();
        scheduler.scheduleWithFixedDelay(balancer::rebalance, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** A worker, not opened yet, consuming {@code consumed} for the subscription of {@code queue}. */
    private QueueWorker worker(String queue, String consumed, Subscription subscription) {
        Connection current = connection;
        ConfirmingForwarder forwarder = new ConfirmingForwarder(
                current,
                target -> SubscriptionTopology.redeclare(current, broker.queueType(), queue, subscription, target),
                CONFIRM_TIMEOUT);
        return new QueueWorker(
                name,
                queue,
                consumed,
                subscription,
                current,
                forwarder,
                (acks, copies) -> new DeliveryProcessor(context, queue, subscription, acks, copies)::process,
                inFlight,
                reopener);
    }

    private void watchConnection(Connection opened) {
        opened.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication() && !stop.stopping()) {
                context.state().brokerLost(cause.getMessage());
            }
        });
        if (opened instanceof Recoverable recoverable) {
            recoverable.addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recovered) {
                    context.state().brokerRecovered();
                }

                @Override
                public void handleRecoveryStarted(Recoverable recovering) {
                    // brokerLost was reported by the shutdown listener
                }
            });
        }
    }

    /**
     * Stops consuming, lets the deliveries being handled commit and ack (for at most 30 s), then closes the
     * connection and the threads. Call after the {@link StopSignal} was given.
     */
    void close() {
        scheduler.shutdownNow();
        workers.forEach(QueueWorker::cancel);
        if (!inFlight.awaitNone(DRAIN_TIMEOUT)) {
            log.warn("Consumer {} stopped with deliveries still being handled; they are redelivered", name);
        }
        workers.forEach(QueueWorker::closeForwarder);
        workers.clear();
        if (connection != null) {
            try {
                connection.close(10_000);
            } catch (IOException | RuntimeException e) {
                log.debug("Closing the connection of consumer {} failed", name, e);
            }
            connection = null;
        }
        executor.shutdownNow();
    }
}
