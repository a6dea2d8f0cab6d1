package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outboxcdc.envelope.QueueType;
import dev.outboxcdc.testsupport.UniqueNames;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Quorum queues for a subscription: retries through quorum retry queues; an existing classic queue is kept. */
class QueueTypeIT {

    private static final RetryPolicy FAST_RETRY =
            new RetryPolicy(3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1));

    private final ConsumerFixture fixture = new ConsumerFixture();
    private final String name = UniqueNames.of("payroll");

    @AfterEach
    void cleanUp() {
        fixture.close();
    }

    @Test
    void quorumQueuesRetryThroughTheirRetryQueuesAndDeadLetter() {
        AtomicInteger calls = new AtomicInteger();
        UUID poison = UUID.randomUUID();
        EventHandler failsTwice = (event, connection) -> {
            if (event.eventId().equals(poison) || calls.incrementAndGet() <= 2) {
                throw new IllegalStateException("payroll system busy");
            }
            ConsumerFixture.insertEffect(connection, name, event.eventId(), "ok");
        };
        OutboxConsumer consumer = fixture.start(fixture.builder(name)
                .queueType(QueueType.QUORUM)
                .subscribe(Subscription.to(failsTwice, "employee.created").withRetry(FAST_RETRY)));
        SubscriptionQueues queues = consumer.subscriptionQueues().get(0);
        UUID eventId = UUID.randomUUID();

        fixture.publishEvent(eventId, "employee.created");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fixture.effects(eventId) == 1);
        fixture.publishEvent(poison, "employee.created");

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> fixture.rabbit.messageCount(queues.deadLetter()) == 1);
        assertThat(fixture.metrics.get("retried")).isEqualTo(4);
        assertIsQuorum(queues.main(), Map.of());
        assertIsQuorum(queues.deadLetter(), Map.of());
        for (int failed = 1; failed <= queues.retries().size(); failed++) {
            assertIsQuorum(
                    queues.retries().get(failed - 1),
                    SubscriptionTopology.retryArguments(
                            QueueType.QUORUM,
                            queues.main(),
                            failed,
                            Subscription.to((event, connection) -> {}, "employee.created")
                                    .withRetry(FAST_RETRY)));
        }
    }

    /** Declaring it again as classic with the same other arguments is refused for its type alone. */
    private void assertIsQuorum(String queue, Map<String, Object> arguments) {
        assertThatThrownBy(() -> fixture.rabbit.withChannel(channel ->
                        channel.queueDeclare(queue, true, false, false, QueueType.CLASSIC.arguments(arguments))))
                .as(queue + " is a quorum queue")
                .hasStackTraceContaining("received 'classic' but current is 'quorum'");
    }

    @Test
    void aClassicQueueThatAlreadyExistsIsKeptWhenQuorumIsAsked() {
        String queue = name + ".employee.created";
        fixture.rabbit.withChannel(channel -> channel.queueDeclare(queue, true, false, false, null));

        fixture.start(fixture.builder(name)
                .queueType(QueueType.QUORUM)
                .subscribe(Subscription.to(ConsumerFixture.recordingEffect(name), "employee.created")));
        UUID eventId = UUID.randomUUID();
        fixture.publishEvent(eventId, "employee.created");

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fixture.effects(eventId) == 1);
    }
}
