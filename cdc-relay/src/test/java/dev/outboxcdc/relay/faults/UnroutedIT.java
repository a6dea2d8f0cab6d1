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
                rabbit.withChannel(channel -> channel.exchangeDeclare(settings.exchange(), BuiltinExchangeType.TOPIC, true));
            } else {
                rabbit.declareEventsExchange(settings.exchange());
            }
            try (TestQueue routed = rabbit.bind(settings.exchange(), "routed.*");
                    TestQueue unrouted = rabbit.consume("outbox.unrouted");
                    InProcessRelay relay = InProcessRelay.startReady(settings)) {
                String lost = OutboxRows.insertOne(db, "nobody.listens");
                String kept = OutboxRows.insertOne(db, "routed.event");

                routed.awaitAtLeast(1, Duration.ofSeconds(30));
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> unrouted.messageIds().contains(lost));
                assertThat(routed.messageIds()).containsExactly(kept);
                MeterRegistry registry = relay.context().getBean(MeterRegistry.class);
                Awaitility.await().atMost(Duration.ofSeconds(10))
                        .until(() -> registry.get("outbox.relay.events.unrouted").counter().count() == 1.0);
                assertThat(unrouted.deliveries().stream().filter(d -> lost.equals(d.getProperties().getMessageId()))
                        .findFirst().orElseThrow().getProperties().getType()).isEqualTo("nobody.listens");
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }
}
