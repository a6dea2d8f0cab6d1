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

/**
 * While offsets cannot be stored the relay publishes nothing more (it stops its engine and starts it again
 * only once offsets can be written), so a crash in that time republishes only what was in flight when the
 * first write failed, not everything published since.
 */
class OffsetWriteFailureIT {

    private static final int BATCH = 256;
    private static final int RATE = 1_500;

    @Test
    void stopsPublishingWhileOffsetWritesFailAndACrashThenRepublishesOnlyTheInFlightWindow() throws Exception {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            RelaySettings settings = RelaySettings.of(db, rabbit).with("outbox.max-batch-size", String.valueOf(BATCH));
            rabbit.declareEventsExchange(settings.exchange());
            TestQueue queue = rabbit.bindDurable(settings.exchange(), "#");
            try (RelayProcess relay =
                            RelayProcess.start(settings, "offsets-failing").awaitReady(Duration.ofSeconds(60));
                    EventStream stream = EventStream.start(db, 2, 15_000, 5, "test.offsets", RATE)) {
                Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> queue.deliveries().size() >= 2_000);
                db.execute(
                        "CREATE FUNCTION refuse_offsets() RETURNS trigger LANGUAGE plpgsql AS"
                                + " $$ BEGIN RAISE EXCEPTION 'offset writes refused by the test'; END $$",
                        "CREATE TRIGGER refuse_offsets BEFORE INSERT OR UPDATE ON outbox_relay_offsets"
                                + " FOR EACH ROW EXECUTE FUNCTION refuse_offsets()");
                Awaitility.await("the relay notices")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> relay.log().contains("cannot store offsets"));
                int atFailure = queue.deliveries().size();
                // Writers go on committing ~1,500 events/s: a relay that went on publishing would deliver ~6,000 more.
                Awaitility.await("at most the batches in flight published after the first failed offset write")
                        .during(Duration.ofSeconds(4))
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> queue.deliveries().size() - atFailure <= 2 * BATCH);
                assertThat(relay.httpStatus("/actuator/health/liveness")).isEqualTo(200);
                assertThat(relay.httpStatus("/actuator/health/readiness"))
                        .as("not ready while offsets cannot be stored")
                        .isEqualTo(503);

                relay.kill();
                db.execute("DROP TRIGGER refuse_offsets ON outbox_relay_offsets");
                try (RelayProcess restarted =
                        RelayProcess.start(settings, "offsets-restarted").awaitReady(Duration.ofSeconds(60))) {
                    Set<String> committed = stream.awaitWritten(Duration.ofSeconds(120));
                    long duplicates = EventStream.awaitAllDelivered(queue, committed, Duration.ofSeconds(120));
                    // In flight: what was published in the commit interval before the failure, plus the batches then.
                    long bound = RATE / 10 + 2L * BATCH + 200;
                    System.out.printf(
                            "OffsetWriteFailureIT: committed=%d duplicates=%d bound=%d%n",
                            committed.size(), duplicates, bound);
                    assertThat(duplicates)
                            .as("duplicates after a crash while offsets could not be stored")
                            .isLessThanOrEqualTo(bound);
                }
            } finally {
                queue.close();
                rabbit.deleteQueue(queue.name());
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }
}
