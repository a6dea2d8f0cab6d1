package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One worker's channel: deliveries settled on it, the broker closing or cancelling it, and a release. */
class QueueWorkerTest {

    private static final String QUEUE = "payroll.employee.created";

    private final FakeRabbit rabbit = new FakeRabbit();
    private final InFlight inFlight = new InFlight();
    private final List<String> lost = new CopyOnWriteArrayList<>();
    private final List<Long> processed = new CopyOnWriteArrayList<>();
    private volatile IOException settleFailure;
    private volatile CountDownLatch holdDeliveries = new CountDownLatch(0);
    private final CountDownLatch deliveryInHand = new CountDownLatch(1);

    private final QueueWorker worker = new QueueWorker(
            "payroll",
            QUEUE,
            QUEUE + ".partition.2",
            Subscription.to((event, connection) -> {}, "employee.created").withPrefetch(25),
            rabbit.connection,
            new ConfirmingForwarder(rabbit.connection, queue -> {}, Duration.ofSeconds(1)),
            (acks, forwarder) -> delivery -> {
                deliveryInHand.countDown();
                awaitUninterruptibly(holdDeliveries);
                processed.add(delivery.getEnvelope().getDeliveryTag());
                if (settleFailure != null) {
                    throw settleFailure;
                }
                acks.ack(delivery.getEnvelope().getDeliveryTag());
            },
            inFlight,
            (lostWorker, redeclare) -> lost.add((lostWorker.consumed()) + (redeclare ? " redeclare" : " reopen")));

    @Test
    void consumesItsQueueWithThePrefetchAndSettlesEachDeliveryOnItsChannel() throws Exception {
        worker.open();
        FakeRabbit.FakeChannel channel = rabbit.last();

        channel.deliver(1, new byte[0]);
        channel.deliver(2, new byte[0]);

        assertThat(channel.calls)
                .containsExactly("basicQos 25", "basicConsume " + QUEUE + ".partition.2", "basicAck 1", "basicAck 2");
        assertThat(inFlight.awaitNone(Duration.ZERO)).isTrue();
    }

    @Test
    void aDeliveryThatCannotBeSettledIsLeftToTheBrokerWithoutStoppingTheWorker() throws Exception {
        worker.open();
        FakeRabbit.FakeChannel channel = rabbit.last();
        settleFailure = new IOException("channel closed");

        channel.deliver(1, new byte[0]);
        settleFailure = null;
        channel.deliver(2, new byte[0]);

        assertThat(processed).containsExactly(1L, 2L);
        assertThat(channel.calls).contains("basicAck 2").doesNotContain("basicAck 1");
        assertThat(inFlight.awaitNone(Duration.ZERO)).isTrue();
    }

    @Test
    void aChannelTheBrokerClosesIsReopenedWithoutDeclaringTheQueues() throws IOException {
        worker.open();

        rabbit.last().closeByBroker();

        assertThat(lost).containsExactly(QUEUE + ".partition.2 reopen");
    }

    @Test
    void aConsumerTheBrokerCancelsIsReopenedAfterDeclaringTheQueuesAgain() throws Exception {
        worker.open();

        rabbit.last().cancelByBroker();

        assertThat(lost).containsExactly(QUEUE + ".partition.2 redeclare");
    }

    @Test
    void aChannelTheWorkerAbandonedIsNotReopenedWhenItCloses() throws IOException {
        worker.open();
        FakeRabbit.FakeChannel abandoned = rabbit.last();

        worker.abandon();
        abandoned.closeByBroker();

        assertThat(abandoned.calls).contains("abort");
        assertThat(lost).isEmpty();
    }

    @Test
    void cancelStopsConsumingAndLeavesTheChannelOpenForTheDeliveryInHand() throws IOException {
        worker.open();

        worker.cancel();

        assertThat(rabbit.last().calls).endsWith("basicCancel consumer-tag").doesNotContain("abort");
    }

    @Test
    void withoutAFreeChannelOpeningFails() {
        rabbit.refuseChannels.set(1);

        assertThatThrownBy(worker::open).isInstanceOf(IOException.class).hasMessageContaining("no free channel");
    }

    @Test
    void releaseWaitsForTheDeliveryInHandThenClosesTheChannelAndHandlesNothingMore() throws Exception {
        worker.open();
        FakeRabbit.FakeChannel channel = rabbit.last();
        holdDeliveries = new CountDownLatch(1);
        CompletableFuture<Void> handling = CompletableFuture.runAsync(() -> deliver(channel, 1));
        assertThat(deliveryInHand.await(5, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> release = CompletableFuture.runAsync(worker::release);
        await().during(Duration.ofMillis(200))
                .atMost(Duration.ofSeconds(2))
                .until(() -> !release.isDone() && !channel.calls.contains("abort"));
        holdDeliveries.countDown();
        release.get(5, TimeUnit.SECONDS);
        handling.get(5, TimeUnit.SECONDS);
        channel.deliver(2, new byte[0]);

        assertThat(channel.calls).containsSubsequence("basicAck 1", "abort");
        assertThat(processed).containsExactly(1L);
        assertThat(worker.released()).isTrue();
    }

    private static void deliver(FakeRabbit.FakeChannel channel, long tag) {
        try {
            channel.deliver(tag, new byte[0]);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
