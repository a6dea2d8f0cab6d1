package dev.outboxcdc.relay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.relay.RelayProcess;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.ServiceFaults;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults injected while concurrent writers stream events through the relay process: every committed
 * event must arrive at least once, and the duplicates a fault costs stay within the in-flight window:
 * what was published since the last stored offset (at most {@code outbox.offset-commit-interval} of
 * events plus the batches in flight) for a crash, or the unconfirmed rest of a batch for a broken
 * broker connection.
 */
class RelayFaultsIT {

    private static final Duration DELIVERY = Duration.ofSeconds(180);
    /** Events per batch in these tests, so the in-flight window is small enough to tell a regression. */
    private static final int BATCH = 512;
    /** Events per second the writers commit. */
    private static final int RATE = 1_500;
    /** The in-flight window of one fault: 100 ms of events, the batch being published and the one being read. */
    private static final long WINDOW = RATE / 10 + 2L * BATCH;

    private final RabbitEndpoint rabbit = TestServices.rabbitmq();
    private TestDatabase db;
    private RelaySettings settings;
    private TestQueue queue;

    @BeforeEach
    void setUp() {
        db = TestServices.postgres().createDatabase();
        db.createOutboxTable();
        settings = RelaySettings.of(db, rabbit)
                .with("outbox.retry-backoff", "200ms")
                .with("outbox.max-retry-backoff", "1s")
                .with("outbox.max-batch-size", String.valueOf(BATCH));
        rabbit.declareEventsExchange(settings.exchange());
        queue = rabbit.bindDurable(settings.exchange(), "#");
    }

    @AfterEach
    void tearDown() {
        queue.close();
        rabbit.deleteQueue(queue.name());
        rabbit.deleteExchange(settings.exchange());
        db.close();
    }

    @Test
    void losesNothingWhenKilledWithSigkillFiveTimesInOneStream() throws Exception {
        Random random = new Random();
        RelayProcess relay = RelayProcess.start(settings, "sigkill-0").awaitReady(Duration.ofSeconds(60));
        // 60,000 events written at 1,500 per second for 40 s. After each restart the relay publishes a random
        // 300-1,500 events, then it is killed: five kills while events still flow through it.
        try (EventStream stream = EventStream.start(db, 4, 60_000, 10, "test.sigkill", 1_500)) {
            for (int kill = 1; kill <= 5; kill++) {
                int target = queue.deliveries().size() + 300 + random.nextInt(1_200);
                Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> queue.deliveries().size() >= target);
                assertThat(new java.util.HashSet<>(queue.messageIds()))
                        .as("events still flow at kill " + kill)
                        .hasSizeLessThan(60_000);
                relay.kill();
                relay = RelayProcess.start(settings, "sigkill-" + kill).awaitReady(Duration.ofSeconds(60));
            }
            Set<String> committed = stream.awaitWritten(Duration.ofSeconds(120));
            long duplicates = EventStream.awaitAllDelivered(queue, committed, DELIVERY);
            System.out.printf(
                    "RelayFaultsIT 5 x SIGKILL: committed=%d duplicates=%d bound=%d%n",
                    committed.size(), duplicates, 5 * WINDOW);
            assertThat(committed).hasSize(60_000);
            assertThat(duplicates).as("duplicates of five crashes").isLessThanOrEqualTo(5 * WINDOW);
        } finally {
            relay.close();
        }
    }

    @Test
    void losesNothingWhenEveryBrokerConnectionIsClosedMidStream() throws Exception {
        try (RelayProcess relay = RelayProcess.start(settings, "broker-close").awaitReady(Duration.ofSeconds(60));
                EventStream stream = EventStream.start(db, 4, 20_000, 10, "test.broker_close", 2 * RATE)) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> queue.deliveries().size() >= 5_000);
            ServiceFaults.closeAllBrokerConnections();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> queue.deliveries().size() >= 10_000);
            ServiceFaults.closeAllBrokerConnections();

            Set<String> committed = stream.awaitWritten(Duration.ofSeconds(120));
            long duplicates = EventStream.awaitAllDelivered(queue, committed, DELIVERY);
            System.out.printf(
                    "RelayFaultsIT rabbitmqctl close_all_connections x2: committed=%d duplicates=%d bound=%d%n",
                    committed.size(), duplicates, 2L * BATCH);
            assertThat(duplicates)
                    .as("each broken connection republishes at most the unconfirmed rest of a batch")
                    .isLessThanOrEqualTo(2L * BATCH);
            assertThat(relay.log()).contains("RabbitMQ disconnected");
        }
    }

    @Test
    void losesNothingWhenTheWalsenderIsTerminatedAndPostgresRestarts() throws Exception {
        try (RelayProcess relay =
                        RelayProcess.start(settings, "postgres-faults").awaitReady(Duration.ofSeconds(60));
                EventStream stream = EventStream.start(db, 4, 20_000, 10, "test.pg_faults", RATE)) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> queue.deliveries().size() >= 4_000);
            db.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '"
                    + settings.slot() + "'");
            Awaitility.await()
                    .atMost(Duration.ofSeconds(90))
                    .until(() -> queue.deliveries().size() >= 9_000);
            ServiceFaults.restartPostgres();

            Set<String> committed = stream.awaitWritten(Duration.ofSeconds(180));
            long duplicates = EventStream.awaitAllDelivered(queue, committed, DELIVERY);
            System.out.printf(
                    "RelayFaultsIT walsender terminated + PostgreSQL restart: committed=%d duplicates=%d bound=%d%n",
                    committed.size(), duplicates, 2 * WINDOW);
            assertThat(duplicates)
                    .as("duplicates of a walsender termination and a PostgreSQL restart")
                    .isLessThanOrEqualTo(2 * WINDOW);
            relay.awaitReady(Duration.ofSeconds(60));
            assertThat(relay.log()).contains("-> RECONNECTING");
        }
    }
}
