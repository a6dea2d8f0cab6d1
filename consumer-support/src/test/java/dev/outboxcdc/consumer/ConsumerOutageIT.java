package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import dev.outboxcdc.envelope.EnvelopeCodec;
import dev.outboxcdc.testsupport.ServiceFaults;
import dev.outboxcdc.testsupport.UniqueNames;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped for 20 s in the middle of a stream into a consumer on a fail-fast pool
 * ({@link ConsumerFixture#dataSource()}): the consumer waits instead of
 * dead-lettering, and resumes by itself. Stops the shared test PostgreSQL (OUTBOX_TEST_PG_STOP/START).
 */
class ConsumerOutageIT {

    private static final int EVENTS = 6_000;
    private static final int EVENTS_PER_SECOND = 200;
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    private static final AMQP.BasicProperties PERSISTENT =
            new AMQP.BasicProperties.Builder().deliveryMode(2).build();

    private final ConsumerFixture fixture = new ConsumerFixture();
    private final String name = UniqueNames.of("payroll");
    private final List<ConsumerState> states = new CopyOnWriteArrayList<>();

    @AfterEach
    void cleanUp() {
        fixture.close();
    }

    @Test
    void aStoppedDatabaseDeadLettersNothingAndEveryEventHasExactlyOneEffectAfterIt() {
        OutboxConsumer consumer = fixture.start(fixture.builder(name)
                .maxOutageBackoff(Duration.ofSeconds(2))
                .stateListener(states::add)
                .subscribe(Subscription.to(ConsumerFixture.recordingEffect(name), "employee.created")));
        String dlq = consumer.subscriptionQueues().get(0).deadLetter();
        List<UUID> ids =
                IntStream.range(0, EVENTS).mapToObj(i -> UUID.randomUUID()).toList();
        CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> publishPaced(ids, EVENTS_PER_SECOND));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> fixture.effects() >= 300);

        ServiceFaults.stopPostgres();
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> consumer.state() == ConsumerState.WAITING_FOR_DATABASE);
            Awaitility.await()
                    .during(OUTAGE)
                    .atMost(OUTAGE.plusSeconds(5))
                    .until(() -> consumer.state() == ConsumerState.WAITING_FOR_DATABASE
                            && fixture.metrics.get("retried") == 0
                            && fixture.rabbit.messageCount(dlq) == 0);
        } finally {
            ServiceFaults.startPostgres();
        }

        stream.join();
        Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> fixture.effects() == EVENTS);
        assertThat(fixture.db.queryLong("SELECT count(DISTINCT event_id) FROM effects"))
                .isEqualTo(EVENTS);
        assertThat(fixture.db.queryLong("SELECT count(*) FROM processed_events WHERE consumer = '" + name + "'"))
                .isEqualTo(EVENTS);
        assertThat(fixture.rabbit.messageCount(dlq)).isZero();
        assertThat(fixture.metrics.get("retried")).isZero();
        assertThat(fixture.metrics.get("deadLettered")).isZero();
        assertThat(consumer.state()).isEqualTo(ConsumerState.RUNNING);
        assertThat(states)
                .containsSubsequence(ConsumerState.RUNNING, ConsumerState.WAITING_FOR_DATABASE, ConsumerState.RUNNING);
    }

    @Test
    void aLostBrokerConnectionIsReportedAndRecoveredWithoutLosingTheDeliveriesInHand() {
        OutboxConsumer consumer = fixture.start(fixture.builder(name)
                .stateListener(states::add)
                .subscribe(Subscription.to(ConsumerFixture.recordingEffect(name), "employee.created")));
        List<UUID> ids =
                IntStream.range(0, 3_000).mapToObj(i -> UUID.randomUUID()).toList();
        publishPaced(ids, 1_000_000); // all queued before the fault, which closes every client connection
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> fixture.effects() >= 300);

        ServiceFaults.closeAllBrokerConnections();

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> fixture.effects() == ids.size());
        assertThat(fixture.db.queryLong("SELECT count(DISTINCT event_id) FROM effects"))
                .isEqualTo(ids.size());
        assertThat(states)
                .containsSubsequence(ConsumerState.RUNNING, ConsumerState.WAITING_FOR_BROKER, ConsumerState.RUNNING);
        assertThat(consumer.state()).isEqualTo(ConsumerState.RUNNING);
        assertThat(fixture.metrics.get("retried")).isZero();
    }

    /** Publishes {@code ids} at {@code perSecond}, confirmed every 100 events: a stream that goes on through the outage. */
    private void publishPaced(List<UUID> ids, int perSecond) {
        fixture.rabbit.withChannel(channel -> {
            channel.confirmSelect();
            long start = System.nanoTime();
            for (int i = 0; i < ids.size(); i++) {
                long due = start + i * 1_000_000_000L / perSecond;
                LockSupport.parkNanos(due - System.nanoTime());
                channel.basicPublish(
                        fixture.exchange,
                        "employee.created",
                        true,
                        PERSISTENT,
                        EnvelopeCodec.write(
                                ids.get(i).toString(),
                                "employee.created",
                                Instant.now().toString(),
                                "{}"));
                if (i % 100 == 99 || i == ids.size() - 1) {
                    try {
                        channel.waitForConfirmsOrDie(30_000);
                    } catch (InterruptedException | TimeoutException e) {
                        throw new IllegalStateException("events not confirmed", e);
                    }
                }
            }
        });
    }
}
