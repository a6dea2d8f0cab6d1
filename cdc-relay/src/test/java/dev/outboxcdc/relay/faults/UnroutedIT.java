package dev.outboxcdc.relay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.BuiltinExchangeType;
import dev.outboxcdc.relay.InProcessRelay;
import dev.outboxcdc.relay.OutboxRows;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An event no queue is bound for is not dropped: it lands in outbox.unrouted and is counted. */
class UnroutedIT {

    @ParameterizedTest(name = "exchange declared by {0}")
    @ValueSource(strings = {"the relay", "someone else, without an alternate exchange"})
    void anEventNoQueueIsBoundForLandsInTheUnroutedQueueAndIsCounted(String declaredBy) {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            RelaySettings settings = RelaySettings.of(db, rabbit);
            boolean preexisting = !declaredBy.equals("the relay");
            if (preexisting) {
                rabbit.withChannel(
                        channel -> channel.exchangeDeclare(settings.exchange(), BuiltinExchangeType.TOPIC, true));
            } else {
                rabbit.declareEventsExchange(settings.exchange());
            }
            // Observes the outbox.unrouted exchange without draining the durable queue the relay counts.
            try (TestQueue routed = rabbit.bind(settings.exchange(), "routed.*");
                    TestQueue unrouted = rabbit.bind("outbox.unrouted", "");
                    InProcessRelay relay = InProcessRelay.startReady(settings)) {
                String lost = OutboxRows.insertOne(db, "nobody.listens");
                String kept = OutboxRows.insertOne(db, "routed.event");

                routed.awaitAtLeast(1, Duration.ofSeconds(30));
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> unrouted.messageIds().contains(lost));
                assertThat(routed.messageIds()).containsExactly(kept);
                assertThat(unrouted.deliveries().stream()
                                .filter(d -> lost.equals(d.getProperties().getMessageId()))
                                .findFirst()
                                .orElseThrow()
                                .getProperties()
                                .getType())
                        .isEqualTo("nobody.listens");
                MeterRegistry registry = relay.context().getBean(MeterRegistry.class);
                Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> registry.get("outbox.relay.events.unrouted")
                                        .counter()
                                        .count()
                                >= 1.0);
                if (preexisting) {
                    // Returned to the relay and re-published by it: counted exactly.
                    assertThat(registry.get("outbox.relay.events.unrouted")
                                    .counter()
                                    .count())
                            .isEqualTo(1.0);
                }
                // Routed by the alternate exchange: counted from the durable queue's growth, an estimate that other
                // tests publishing to the shared queue at the same time can raise.
                try (TestQueue durable = rabbit.consume("outbox.unrouted")) {
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> durable.messageIds().contains(lost));
                }
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aRelayAskedForQuorumQueuesKeepsTheClassicOnesThatExistAndStillRoutesToThem() {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        rabbit.withChannel(channel -> channel.queueDeclare(
                "outbox.unrouted",
                true,
                false,
                false,
                java.util.Map.of(
                        "x-max-length", 1_000_000L, "x-overflow", "reject-publish", "x-queue-type", "classic")));
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            RelaySettings settings = RelaySettings.of(db, rabbit).with("outbox.queue-type", "quorum");
            rabbit.declareEventsExchange(settings.exchange());
            try (TestQueue unrouted = rabbit.bind("outbox.unrouted", "");
                    InProcessRelay relay = InProcessRelay.startReady(settings)) {
                String lost = OutboxRows.insertOne(db, "nobody.listens");

                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> unrouted.messageIds().contains(lost));
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }
}
