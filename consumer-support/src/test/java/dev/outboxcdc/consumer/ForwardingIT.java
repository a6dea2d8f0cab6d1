package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.testsupport.ServiceFaults;
import dev.outboxcdc.testsupport.UniqueNames;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Copies to retry and dead-letter queues are confirmed and routed before the original is acked. */
class ForwardingIT {

    private static final RetryPolicy FAST_RETRY =
            new RetryPolicy(3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1));

    private final ConsumerFixture fixture = new ConsumerFixture();
    private final String name = UniqueNames.of("payroll");
    private final AtomicInteger calls = new AtomicInteger();
    private final EventHandler alwaysFails = (event, connection) -> {
        calls.incrementAndGet();
        throw new IllegalStateException("employee has no contract");
    };

    @AfterEach
    void cleanUp() {
        fixture.close();
    }

    @Test
    void everyFailingEventEndsInTheDlqWhenTheDlqAndARetryQueueWereDeleted() {
        OutboxConsumer consumer = fixture.start(
                name, Subscription.to(alwaysFails, "employee.created").withRetry(FAST_RETRY));
        SubscriptionQueues queues = consumer.subscriptionQueues().get(0);
        fixture.rabbit.deleteQueue(queues.deadLetter());
        fixture.rabbit.deleteQueue(queues.retries().get(1));
        int events = 50;

        for (int i = 0; i < events; i++) {
            fixture.publishEvent(UUID.randomUUID(), "employee.created");
        }

        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> fixture.rabbit.messageCount(queues.deadLetter()) == events);
        assertThat(fixture.metrics.get("deadLettered")).isEqualTo(events);
        assertThat(calls).hasValue(3 * events);
        assertThat(fixture.rabbit.messageCount(queues.retries().get(1)))
                .as("re-declared")
                .isZero();
        assertThat(fixture.rabbit.messageCount(queues.main())).isZero();
    }

    @Test
    void aDlqThatRefusesCopiesKeepsTheOriginalAndRetriesWithBackoffNotInABusyLoop() {
        OutboxConsumer consumer = fixture.start(
                name,
                Subscription.to(alwaysFails, "employee.created")
                        .withRetry(new RetryPolicy(1, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1))));
        SubscriptionQueues queues = consumer.subscriptionQueues().get(0);
        String policy = UniqueNames.of("refuse-dlq");
        ServiceFaults.rabbitmqctl(
                "set_policy",
                "--apply-to",
                "queues",
                policy,
                "^" + queues.deadLetter().replace(".", "\\.") + "$",
                "{\"max-length\":0,\"overflow\":\"reject-publish\"}");
        try {
            fixture.publishEvent(UUID.randomUUID(), "employee.created");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 1);

            Awaitility.await()
                    .during(Duration.ofSeconds(8))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> fixture.rabbit.messageCount(queues.deadLetter()) == 0);
            assertThat(calls.get())
                    .as("the broker nacks every copy: the handler runs again only after a backoff")
                    .isBetween(1, 4);
        } finally {
            ServiceFaults.rabbitmqctl("clear_policy", policy);
        }

        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> fixture.rabbit.messageCount(queues.deadLetter()) == 1);
        assertThat(fixture.rabbit.messageCount(queues.main())).isZero();
        assertThat(fixture.metrics.get("deadLettered")).isEqualTo(1);
    }

    @Test
    void aDeletedMainQueueIsDeclaredAgainAndConsumed() {
        OutboxConsumer consumer =
                fixture.start(name, Subscription.to(ConsumerFixture.recordingEffect(name), "employee.created"));
        fixture.rabbit.deleteQueue(consumer.queues().get(0));
        UUID eventId = UUID.randomUUID();

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> fixture.rabbit.messageCount(consumer.queues().get(0)) == 0);
        fixture.publishEvent(eventId, "employee.created");

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fixture.effects(eventId) == 1);
        assertThat(consumer.state()).isEqualTo(ConsumerState.RUNNING);
    }
}
