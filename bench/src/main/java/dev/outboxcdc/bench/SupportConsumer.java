package dev.outboxcdc.bench;

import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.consumer.ConsumerMetrics;
import dev.outboxcdc.consumer.OutboxConsumer;
import dev.outboxcdc.consumer.Subscription;
import dev.outboxcdc.envelope.QueueType;
import java.util.List;
import javax.sql.DataSource;

/**
 * consumer-support as an application uses it: {@code OutboxConsumer.builder()} on a data source, one
 * subscription with the effect as its handler. Its metrics hook tells the benchmark of each handled event
 * (counted after the ack); a retry, a dead letter or a skipped duplicate fails the run.
 */
final class SupportConsumer implements ConsumerUnderTest {

    private static final String BINDING_KEY = "bench.consumer-phase";

    private final ConnectionFactory factory;
    private final DataSource dataSource;
    private final String exchange;
    private final int workers;
    private final int prefetch;

    SupportConsumer(ConnectionFactory factory, DataSource dataSource, String exchange, int workers, int prefetch) {
        this.factory = factory;
        this.dataSource = dataSource;
        this.exchange = exchange;
        this.workers = workers;
        this.prefetch = prefetch;
    }

    @Override
    public String label() {
        return "consumer-support, " + workers + (workers == 1 ? " worker" : " workers");
    }

    @Override
    public String key() {
        return "support-" + workers;
    }

    @Override
    public int prefetch() {
        return prefetch;
    }

    @Override
    public boolean writes() {
        return true;
    }

    int workers() {
        return workers;
    }

    @Override
    public AutoCloseable start(String queue, Progress progress) {
        OutboxConsumer consumer = OutboxConsumer.builder()
                .name(ConsumerBench.CONSUMER)
                .dataSource(dataSource)
                .connectionFactory(factory)
                .exchange(exchange)
                .queueType(QueueType.CLASSIC)
                .metrics(new ConsumerMetrics() {
                    @Override
                    public void handled(String q) {
                        progress.done();
                    }

                    @Override
                    public void duplicateSkipped(String q) {
                        progress.fail(new IllegalStateException(
                                "a delivery was skipped as a duplicate: the broker redelivered it"));
                    }

                    @Override
                    public void retried(String q) {
                        progress.fail(new IllegalStateException(
                                "an event was sent to a retry queue (the log above says why)"));
                    }

                    @Override
                    public void deadLettered(String q) {
                        progress.fail(new IllegalStateException("an event was dead-lettered (the log above says why)"));
                    }
                })
                .subscribe(subscription(queue))
                .build();
        consumer.start();
        return consumer::close;
    }

    @Override
    public List<String> queues(String queue) {
        return subscription(queue).queuesFor(ConsumerBench.CONSUMER).all();
    }

    private Subscription subscription(String queue) {
        return Subscription.to(Effects::write, BINDING_KEY)
                .withQueue(queue)
                .withConcurrency(workers)
                .withPrefetch(prefetch);
    }
}
