package dev.outboxcdc.relay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.relay.InProcessRelay;
import dev.outboxcdc.relay.OutboxRows;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import dev.outboxcdc.testsupport.UniqueNames;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A deleted {@code outbox.unrouted} or {@code outbox.dead-letter} queue is noticed and declared again, with the same
 * arguments, before anything is routed to it: what would have gone there comes back to the relay as a return and is
 * re-published, never dropped. Both queues are shared by every test on the broker: these tests look only for their
 * own events and put the queues back when they end.
 */
class DeletedQueuesIT {

    /** As the relay declares it with the default {@code outbox.unrouted-max-length}. */
    private static final Map<String, Object> UNROUTED_ARGUMENTS =
            Map.of("x-max-length", 1_000_000L, "x-overflow", "reject-publish");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RabbitEndpoint rabbit = TestServices.rabbitmq();

    @Test
    void anUnroutableEventAfterTheUnroutedQueueWasDeletedLandsInTheRedeclaredQueueAndIsCounted() {
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            RelaySettings settings = RelaySettings.of(db, rabbit);
            rabbit.declareEventsExchange(settings.exchange());
            try (InProcessRelay relay = InProcessRelay.startReady(settings)) {
                rabbit.deleteQueue(OutboxAmqp.UNROUTED);
                String lost = OutboxRows.insertOne(db, UniqueNames.of("nobody.listens"));

                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> exists(OutboxAmqp.UNROUTED));
                try (TestQueue unrouted = rabbit.consume(OutboxAmqp.UNROUTED)) {
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> unrouted.messageIds().contains(lost));
                }
                // Declaring it with other arguments than it has would fail (PRECONDITION_FAILED).
                rabbit.withChannel(
                        channel -> channel.queueDeclare(OutboxAmqp.UNROUTED, true, false, false, UNROUTED_ARGUMENTS));
                MeterRegistry registry = relay.context().getBean(MeterRegistry.class);
                assertThat(registry.get("outbox.relay.events.unrouted")
                                .counter()
                                .count())
                        .isEqualTo(1.0);
            } finally {
                restore(OutboxAmqp.UNROUTED, UNROUTED_ARGUMENTS);
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    @Test
    void aBadRowAfterTheDeadLetterQueueWasDeletedLandsInTheRedeclaredQueueAndIsCounted() {
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.execute("CREATE TABLE outbox_events (id text PRIMARY KEY, event_id text, event_type text, payload text,"
                    + " status text NOT NULL DEFAULT 'PENDING', created_at timestamptz NOT NULL DEFAULT now())");
            RelaySettings settings = RelaySettings.of(db, rabbit);
            rabbit.declareEventsExchange(settings.exchange());
            try (InProcessRelay relay = InProcessRelay.startReady(settings)) {
                rabbit.deleteQueue(OutboxAmqp.DEAD_LETTER);
                String rowId = UniqueNames.of("bad-json");
                db.execute("INSERT INTO outbox_events (id, event_id, event_type, payload) VALUES ('" + rowId + "', '"
                        + UUID.randomUUID() + "', 'test.bad', '{not json')");

                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> exists(OutboxAmqp.DEAD_LETTER));
                try (TestQueue deadLetters = rabbit.consume(OutboxAmqp.DEAD_LETTER)) {
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> deadLetters.bodies().stream().anyMatch(body -> rowId.equals(rowIdOf(body))));
                }
                // No arguments, as first declared: declaring it with none fails if it has any.
                rabbit.withChannel(channel -> channel.queueDeclare(OutboxAmqp.DEAD_LETTER, true, false, false, null));
                MeterRegistry registry = relay.context().getBean(MeterRegistry.class);
                assertThat(registry.get("outbox.relay.events.dead.lettered")
                                .counter()
                                .count())
                        .isEqualTo(1.0);
            } finally {
                restore(OutboxAmqp.DEAD_LETTER, null);
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    private static String rowIdOf(String deadLetterBody) {
        try {
            return MAPPER.readTree(deadLetterBody).path("id").asText();
        } catch (IOException e) {
            return null;
        }
    }

    private boolean exists(String queue) {
        try (Connection connection = rabbit.connect();
                Channel channel = connection.createChannel()) {
            channel.queueDeclarePassive(queue);
            return true;
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    private void restore(String name, Map<String, Object> arguments) {
        rabbit.withChannel(channel -> {
            channel.exchangeDeclare(name, BuiltinExchangeType.FANOUT, true);
            channel.queueDeclare(name, true, false, false, arguments);
            channel.queueBind(name, name, "");
        });
    }
}
