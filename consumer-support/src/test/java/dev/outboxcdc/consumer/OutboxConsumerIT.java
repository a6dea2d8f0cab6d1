package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Delivery;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.UniqueNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboxConsumerIT {

    private static final RetryPolicy FAST_RETRY =
            new RetryPolicy(3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1));
    private final ConsumerFixture fixture = new ConsumerFixture();
    private final String name = UniqueNames.of("payroll");

    @AfterEach
    void cleanUp() {
        fixture.close();
    }

    @Test
    void theSameEventDeliveredTwiceHasOneEffect() {
        fixture.start(name, Subscription.to(ConsumerFixture.recordingEffect(name), "employee.created"));
        UUID eventId = UUID.randomUUID();

        fixture.publishEvent(eventId, "employee.created");
        fixture.publishEvent(eventId, "employee.created");

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fixture.metrics.get("duplicates") == 1);
        assertThat(fixture.effects(eventId)).isEqualTo(1);
        assertThat(fixture.metrics.get("handled")).isEqualTo(1);
        assertThat(fixture.db.queryLong("SELECT count(*) FROM processed_events WHERE consumer = '" + name + "'"))
                .isEqualTo(1);
    }

    @Test
    void concurrentDeliveriesOfTheSameEventToTwoConsumersOfOneQueueHaveOneEffect() {
        Subscription subscription = Subscription.to(ConsumerFixture.recordingEffect(name), "employee.created")
                .withConcurrency(4)
                .withPrefetch(1);
        fixture.start(name, subscription);
        fixture.start(name, subscription);
        int events = 200;
        for (int i = 0; i < events; i++) {
            UUID eventId = UUID.randomUUID();
            fixture.publishEvent(eventId, "employee.created");
            fixture.publishEvent(eventId, "employee.created");
        }

        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> fixture.metrics.get("handled") + fixture.metrics.get("duplicates") == 2 * events);
        assertThat(fixture.effects()).isEqualTo(events);
        assertThat(fixture.db.queryLong("SELECT count(*) FROM (SELECT event_id FROM effects GROUP BY event_id"
                        + " HAVING count(*) > 1) twice"))
                .isZero();
        assertThat(fixture.metrics.get("duplicates")).isEqualTo(events);
    }

    @Test
    void aHandlerThatFailsTwiceThenSucceedsHasOneEffectAfterTwoRetries() {
        Map<UUID, AtomicInteger> calls = new ConcurrentHashMap<>();
        EventHandler flaky = (event, connection) -> {
            ConsumerFixture.insertEffect(connection, name, event.eventId(), "attempted");
            if (calls.computeIfAbsent(event.eventId(), id -> new AtomicInteger())
                            .incrementAndGet()
                    <= 2) {
                throw new IllegalStateException("payroll system busy");
            }
        };
        fixture.start(name, Subscription.to(flaky, "employee.created").withRetry(FAST_RETRY));
        UUID eventId = UUID.randomUUID();

        fixture.publishEvent(eventId, "employee.created");

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fixture.metrics.get("handled") == 1);
        assertThat(calls.get(eventId)).hasValue(3);
        assertThat(fixture.metrics.get("retried")).isEqualTo(2);
        assertThat(fixture.effects(eventId))
                .as("the failed attempts rolled back their effect")
                .isEqualTo(1);
    }

    @Test
    void aHandlerThatAlwaysFailsSendsTheEventToTheDlqAndTheQueueKeepsFlowing() {
        UUID poison = UUID.randomUUID();
        AtomicInteger poisonCalls = new AtomicInteger();
        EventHandler handler = (event, connection) -> {
            if (event.eventId().equals(poison)) {
                poisonCalls.incrementAndGet();
                throw new IllegalArgumentException("employee has no contract");
            }
            ConsumerFixture.insertEffect(connection, name, event.eventId(), "ok");
        };
        OutboxConsumer consumer =
                fixture.start(name, Subscription.to(handler, "employee.created").withRetry(FAST_RETRY));
        String queue = consumer.queues().get(0);
        UUID healthy = UUID.randomUUID();

        fixture.publishEvent(poison, "employee.created");
        fixture.publishEvent(healthy, "employee.created");

        try (TestQueue dlq = fixture.rabbit.consume(queue + ".dlq")) {
            List<Delivery> dead = dlq.awaitAtLeast(1, Duration.ofSeconds(30));
            Map<String, Object> headers = dead.get(0).getProperties().getHeaders();
            assertThat(headers.get("x-outbox-error").toString())
                    .isEqualTo("java.lang.IllegalArgumentException: employee has no contract");
            assertThat(headers.get("x-outbox-attempt")).isEqualTo(3);
            assertThat(dev.outboxcdc.envelope.EnvelopeCodec.read(dead.get(0).getBody())
                            .eventId())
                    .isEqualTo(poison);
        }
        assertThat(poisonCalls).hasValue(3);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fixture.effects(healthy) == 1);
        assertThat(fixture.effects(poison)).isZero();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "this is not json",
                "{\"eventType\":\"employee.created\",\"timestamp\":\"2025-12-05T01:02:03Z\",\"data\":{}}",
                "{\"eventId\":\"not-a-uuid\",\"eventType\":\"employee.created\",\"timestamp\":\"2025-12-05T01:02:03Z\",\"data\":{}}",
            })
    void aBodyThatIsNotAValidEnvelopeGoesToTheDlqAtOnce(String body) {
        AtomicInteger calls = new AtomicInteger();
        OutboxConsumer consumer = fixture.start(
                name,
                Subscription.to((event, connection) -> calls.incrementAndGet(), "employee.created")
                        .withRetry(FAST_RETRY));

        fixture.publishText("employee.created", body);

        try (TestQueue dlq = fixture.rabbit.consume(consumer.queues().get(0) + ".dlq")) {
            Delivery dead = dlq.awaitAtLeast(1, Duration.ofSeconds(30)).get(0);
            assertThat(dead.getProperties().getHeaders().get("x-outbox-error").toString())
                    .startsWith("invalid envelope: ");
            assertThat(dead.getProperties().getHeaders().get("x-outbox-attempt"))
                    .isEqualTo(1);
        }
        assertThat(calls).hasValue(0);
        assertThat(fixture.metrics.get("retried")).isZero();
    }

    @Test
    void twoConsumersOfTheSameEventEachGetTheirOwnEffect() {
        String accounting = UniqueNames.of("accounting");
        fixture.start(name, Subscription.to(ConsumerFixture.recordingEffect(name), "employee.created"));
        fixture.start(accounting, Subscription.to(ConsumerFixture.recordingEffect(accounting), "employee.*"));
        UUID eventId = UUID.randomUUID();

        fixture.publishEvent(eventId, "employee.created");

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fixture.effects(eventId) == 2);
        assertThat(fixture.db.queryStrings("SELECT consumer FROM effects ORDER BY consumer"))
                .containsExactlyInAnyOrder(name, accounting);
    }

    @Test
    void keepsTheQueueOrderWithOneWorker() {
        fixture.start(name, Subscription.to(ConsumerFixture.recordingEffect(name), "employee.created"));
        List<UUID> ids =
                java.util.stream.Stream.generate(UUID::randomUUID).limit(50).toList();
        ids.forEach(id -> fixture.publishEvent(id, "employee.created"));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fixture.effects() == 50);
        assertThat(fixture.db.queryStrings("SELECT event_id FROM processed_events ORDER BY processed_at, ctid"))
                .containsExactlyElementsOf(ids.stream().map(UUID::toString).toList());
    }

    @Test
    void refusesToStartWithoutTheProcessedEventsTable() {
        fixture.db.execute("DROP TABLE processed_events");

        assertThatThrownBy(() ->
                        fixture.start(name, Subscription.to(ConsumerFixture.recordingEffect(name), "employee.created")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs table processed_events");
    }

    @Test
    void prunesProcessedEventsOlderThanTheRetention() throws Exception {
        fixture.db.execute(
                "INSERT INTO processed_events (consumer, event_id, processed_at)"
                        + " SELECT 'payroll', gen_random_uuid(), now() - interval '30 days' FROM generate_series(1, 2500)",
                "INSERT INTO processed_events (consumer, event_id) SELECT 'payroll', gen_random_uuid() FROM generate_series(1, 5)");

        long deleted;
        try (java.sql.Connection connection = fixture.db.connect()) {
            deleted = ProcessedEvents.deleteOlderThan(connection, Duration.ofDays(14), 1000);
        }

        assertThat(deleted).isEqualTo(2500);
        assertThat(fixture.db.queryLong("SELECT count(*) FROM processed_events"))
                .isEqualTo(5);
    }
}
