package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reopening a worker's channel after the broker closed it or cancelled its consumer. */
class ChannelReopenerTest {

    private static final String QUEUE = "payroll.employee.created";

    private final FakeRabbit rabbit = new FakeRabbit();
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final StopSignal stop = new StopSignal();
    private final List<String> declared = new CopyOnWriteArrayList<>();
    private volatile IOException declareFailure;
    private final ChannelReopener reopener = new ChannelReopener(
            "payroll",
            scheduler,
            stop,
            (queue, subscription) -> {
                if (declareFailure != null) {
                    IOException failure = declareFailure;
                    declareFailure = null;
                    throw failure;
                }
                declared.add(queue);
            },
            new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)));
    private final QueueWorker worker = new QueueWorker(
            "payroll",
            QUEUE,
            QUEUE,
            Subscription.to((event, connection) -> {}, "employee.created"),
            rabbit.connection,
            new ConfirmingForwarder(rabbit.connection, queue -> {}, Duration.ofSeconds(1)),
            (acks, forwarder) -> delivery -> acks.ack(delivery.getEnvelope().getDeliveryTag()),
            new InFlight(),
            reopener);

    ChannelReopenerTest() {
        stop.reset();
    }

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void aClosedChannelIsReplacedByANewOneConsumingTheSameQueue() throws Exception {
        worker.open();

        rabbit.last().closeByBroker();

        await().atMost(Duration.ofSeconds(5)).until(() -> rabbit.channels.size() == 2);
        assertThat(rabbit.last().calls).contains("basicConsume " + QUEUE);
        assertThat(declared).isEmpty();
    }

    @Test
    void aCancelledConsumerGetsItsQueuesDeclaredAgainBeforeItConsumesAnew() throws Exception {
        worker.open();

        rabbit.last().cancelByBroker();

        await().atMost(Duration.ofSeconds(5)).until(() -> rabbit.channels.size() == 2);
        assertThat(declared).containsExactly(QUEUE);
        assertThat(rabbit.channels.get(0).calls).contains("abort");
    }

    @Test
    void triesAgainUntilTheQueuesAndTheChannelCanBeHad() throws Exception {
        worker.open();
        declareFailure = new IOException("NOT_FOUND - vhost");
        rabbit.refuseChannels.set(2);

        rabbit.last().cancelByBroker();

        await().atMost(Duration.ofSeconds(5)).until(() -> rabbit.channels.size() == 2);
        assertThat(declared).hasSize(3).containsOnly(QUEUE);
        assertThat(rabbit.last().calls).contains("basicConsume " + QUEUE);
    }

    @Test
    void nothingIsReopenedOnceTheConsumerStops() throws Exception {
        worker.open();
        stop.stop();

        rabbit.last().closeByBroker();

        assertThat(scheduler.getTaskCount()).isZero();
        assertThat(rabbit.channels).hasSize(1);
    }

    @Test
    void aReleasedWorkerIsNotReopened() throws Exception {
        worker.open();
        worker.release();

        reopener.lost(worker, true);

        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.getCompletedTaskCount() == 1);
        assertThat(rabbit.channels).hasSize(1);
        assertThat(declared).isEmpty();
    }
}
