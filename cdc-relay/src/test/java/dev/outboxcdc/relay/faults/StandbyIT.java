package dev.outboxcdc.relay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.relay.RelayProcess;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import java.time.Duration;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A second relay on the same slot waits as a standby and takes over when the active one dies. */
class StandbyIT {

    @Test
    void theStandbyTakesOverWithinFifteenSecondsOfTheActiveRelayDyingAndNothingIsLost() throws Exception {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            RelaySettings settings = RelaySettings.of(db, rabbit);
            rabbit.declareEventsExchange(settings.exchange());
            try (TestQueue queue = rabbit.bind(settings.exchange(), "#");
                    RelayProcess active = RelayProcess.start(settings, "active").awaitReady(Duration.ofSeconds(60));
                    RelayProcess standby = RelayProcess.start(settings, "standby");
                    EventStream stream = EventStream.start(db, 4, 20_000, 10, "test.standby")) {
                Awaitility.await("standby alive, not ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> standby.log().contains("-> STANDBY") && standby.httpStatus("/actuator/health/liveness") == 200);
                Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                        .until(() -> standby.httpStatus("/actuator/health/readiness") == 503 && standby.isAlive());
                assertThat(standby.log()).as("a standby waits, it does not crash-loop").doesNotContain("-> FAILED");
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> queue.deliveries().size() >= 5_000);

                active.kill();
                long killedAt = System.nanoTime();
                standby.awaitReady(Duration.ofSeconds(30));
                long takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;

                Set<String> committed = stream.awaitWritten(Duration.ofSeconds(120));
                long duplicates = EventStream.awaitAllDelivered(queue, committed, Duration.ofSeconds(120));
                System.out.printf("StandbyIT: takeover after %d ms, committed=%d duplicates=%d%n", takeoverMillis,
                        committed.size(), duplicates);
                assertThat(takeoverMillis).as("takeover time").isLessThan(15_000);
                assertThat(standby.log()).contains("STANDBY -> STREAMING");
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    @Test
    void twoRelaysStartedTogetherOnAFreshDatabaseElectOneAndNeitherExits() {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            RelaySettings settings = RelaySettings.of(db, rabbit);
            rabbit.declareEventsExchange(settings.exchange());
            try (TestQueue queue = rabbit.bind(settings.exchange(), "#");
                    RelayProcess first = RelayProcess.start(settings, "together-1");
                    RelayProcess second = RelayProcess.start(settings, "together-2")) {
                Awaitility.await("one relay ready, the other standby").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> (first.log().contains("-> STREAMING") && second.log().contains("-> STANDBY"))
                                || (second.log().contains("-> STREAMING") && first.log().contains("-> STANDBY")));
                String eventId = dev.outboxcdc.relay.OutboxRows.insertOne(db, "test.together");
                queue.awaitAtLeast(1, Duration.ofSeconds(30));

                assertThat(queue.messageIds()).containsExactly(eventId);
                assertThat(first.isAlive() && second.isAlive()).as("neither relay exited").isTrue();
                assertThat(first.log() + second.log()).doesNotContain("-> FAILED");
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }
}
