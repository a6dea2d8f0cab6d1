package dev.outboxcdc.relay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.relay.RelayProcess;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TcpProxy;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A second relay on the same slot waits as a standby and takes over when the active one dies, or
 * when the active one's connections to PostgreSQL go silent (host dead, network cut).
 */
class StandbyIT {

    /** {@code outbox.lease-timeout}'s default: PostgreSQL ends a silent relay's lease and walsender after it. */
    private static final Duration LEASE_TIMEOUT = Duration.ofSeconds(15);
    /**
     * The documented takeover bound with the defaults: lease timeout (15 s) + standby retry interval (2 s) +
     * the lease check and the engine's start (a few seconds), with room to spare.
     */
    private static final Duration SILENT_TAKEOVER_BOUND = Duration.ofSeconds(30);

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
                Awaitility.await("standby alive, not ready")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> standby.log().contains("-> STANDBY")
                                && standby.httpStatus("/actuator/health/liveness") == 200);
                Awaitility.await()
                        .during(Duration.ofSeconds(3))
                        .atMost(Duration.ofSeconds(6))
                        .until(() -> standby.httpStatus("/actuator/health/readiness") == 503 && standby.isAlive());
                assertThat(standby.log())
                        .as("a standby waits, it does not crash-loop")
                        .doesNotContain("-> FAILED");
                Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> queue.deliveries().size() >= 5_000);

                active.kill();
                long killedAt = System.nanoTime();
                standby.awaitReady(Duration.ofSeconds(30));
                long takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;

                Set<String> committed = stream.awaitWritten(Duration.ofSeconds(120));
                long duplicates = EventStream.awaitAllDelivered(queue, committed, Duration.ofSeconds(120));
                System.out.printf(
                        "StandbyIT: takeover after %d ms, committed=%d duplicates=%d%n",
                        takeoverMillis, committed.size(), duplicates);
                assertThat(takeoverMillis).as("takeover time").isLessThan(15_000);
                assertThat(standby.log()).contains("STANDBY -> STREAMING");
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    @Test
    void theStandbyTakesOverWithinTheDocumentedBoundWhenTheActiveRelaysConnectionsGoSilentAndNothingIsLost()
            throws Exception {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase();
                TcpProxy network =
                        TcpProxy.cutTo(db.server().host(), db.server().port())) {
            db.createOutboxTable();
            network.restore();
            RelaySettings settings = RelaySettings.of(db, rabbit);
            rabbit.declareEventsExchange(settings.exchange());
            try (TestQueue queue = rabbit.bind(settings.exchange(), "#");
                    RelayProcess active = RelayProcess.start(
                                    settings.with("outbox.db.host", "127.0.0.1")
                                            .with("outbox.db.port", String.valueOf(network.port())),
                                    "silent-active")
                            .awaitReady(Duration.ofSeconds(120));
                    RelayProcess standby = RelayProcess.start(
                            settings.with("outbox.db.host", db.server().host())
                                    .with(
                                            "outbox.db.port",
                                            String.valueOf(db.server().port())),
                            "silent-standby");
                    EventStream stream = EventStream.start(db, 4, 40_000, 10, "test.silent", 1_000)) {
                Awaitility.await("standby waiting")
                        .atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> standby.log().contains("-> STANDBY"));
                Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> queue.deliveries().size() >= 3_000);
                // The relay starts while its web server still starts: wait until the endpoint answers at all.
                Awaitility.await("standby's web server")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> standby.httpStatus("/actuator/health/readiness") != -1);
                assertThat(standby.httpStatus("/actuator/health/readiness"))
                        .as("standby not ready before the freeze")
                        .isEqualTo(503);

                network.freeze();
                long frozenAt = System.nanoTime();
                AtomicLong activeUnreadyMillis = new AtomicLong(-1);
                Awaitility.await("standby ready")
                        .atMost(SILENT_TAKEOVER_BOUND.plusSeconds(30))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            if (activeUnreadyMillis.get() < 0
                                    && active.httpStatus("/actuator/health/readiness") != 200) {
                                activeUnreadyMillis.set(millisSince(frozenAt));
                            }
                            return standby.httpStatus("/actuator/health/readiness") == 200;
                        });
                long takeoverMillis = millisSince(frozenAt);

                Set<String> committed = stream.awaitWritten(Duration.ofSeconds(120));
                long duplicates = EventStream.awaitAllDelivered(queue, committed, Duration.ofSeconds(120));
                System.out.printf(
                        "StandbyIT (silent network): active not ready after %d ms, standby ready after %d ms,"
                                + " committed=%d duplicates=%d%n",
                        activeUnreadyMillis.get(), takeoverMillis, committed.size(), duplicates);
                assertThat(takeoverMillis)
                        .as("takeover after the active relay's network went silent")
                        .isLessThan(SILENT_TAKEOVER_BOUND.toMillis());
                // It notices after at most 3/5 of the lease timeout (LeaseTimeouts), before PostgreSQL can release the
                // lease.
                assertThat(activeUnreadyMillis.get())
                        .as("the silent relay stops being ready, before the standby takes over")
                        .isBetween(0L, Math.min(takeoverMillis, LEASE_TIMEOUT.toMillis() * 3 / 5 + 2_000));
                assertThat(active.httpStatus("/actuator/health/readiness"))
                        .as("the silent relay is not ready")
                        .isEqualTo(503);
                assertThat(active.isAlive())
                        .as("the silent relay waits, it does not exit")
                        .isTrue();
                assertThat(standby.log()).contains("STANDBY -> STREAMING");
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
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
                Awaitility.await("one relay ready, the other standby")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> (first.log().contains("-> STREAMING")
                                        && second.log().contains("-> STANDBY"))
                                || (second.log().contains("-> STREAMING")
                                        && first.log().contains("-> STANDBY")));
                String eventId = dev.outboxcdc.relay.OutboxRows.insertOne(db, "test.together");
                queue.awaitAtLeast(1, Duration.ofSeconds(30));

                assertThat(queue.messageIds()).containsExactly(eventId);
                assertThat(first.isAlive() && second.isAlive())
                        .as("neither relay exited")
                        .isTrue();
                assertThat(first.log() + second.log()).doesNotContain("-> FAILED");
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }
}
