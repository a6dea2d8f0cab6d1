package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.relay.InProcessRelay;
import dev.outboxcdc.relay.OutboxRows;
import dev.outboxcdc.relay.RelayProcess;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The cut-over from the polling relay happens once per outbox table: leftover {@code PENDING} rows are
 * published on the first start only, a restart in the middle of it leaves no gap, and a later start
 * without stored offsets does not publish the retained table again.
 */
class CutOverIT {

    private static final int PENDING = 20_000;

    @Test
    void aRelayKilledWhilePublishingPendingRowsLosesNoEventCommittedMeanwhileEvenWhenItsRowIsDeleted()
            throws Exception {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            db.execute(
                    "INSERT INTO outbox_events (id, event_id, event_type, payload, created_at) SELECT gen_random_uuid(),"
                            + " gen_random_uuid(), 'test.pending', jsonb_build_object('pad', repeat('p', 2000)),"
                            + " now() - interval '1 hour' + n * interval '1 ms' FROM generate_series(1, " + PENDING
                            + ") n");
            Set<String> expected = new HashSet<>(db.queryStrings("SELECT event_id::text FROM outbox_events"));
            RelaySettings settings = RelaySettings.of(db, rabbit).with("outbox.max-batch-size", "256");
            rabbit.declareEventsExchange(settings.exchange());
            try (TestQueue queue = rabbit.bind(settings.exchange(), "#")) {
                List<String> deletedRightAway = new ArrayList<>();
                try (RelayProcess relay = RelayProcess.start(settings, "cutover-killed")) {
                    Awaitility.await("publishing pending rows")
                            .atMost(Duration.ofSeconds(90))
                            .until(() -> queue.deliveries().size() >= 2_000);
                    // Committed while the pending rows are being published, and gone from the table at once.
                    for (int i = 0; i < 20; i++) {
                        deletedRightAway.addAll(insertAndDelete(db));
                    }
                    relay.kill();
                }
                assertThat(new HashSet<>(queue.messageIds()))
                        .as("killed in the middle of the cut-over")
                        .hasSizeLessThan(PENDING);
                expected.addAll(deletedRightAway);

                try (InProcessRelay relay = InProcessRelay.startReady(settings)) {
                    String marker = OutboxRows.insertOne(db, "test.marker");
                    expected.add(marker);
                    Awaitility.await("every event, pending or streamed")
                            .atMost(Duration.ofSeconds(120))
                            .until(() -> new HashSet<>(queue.messageIds()).containsAll(expected));
                }
                assertThat(db.queryLong("SELECT count(*) FROM outbox_events WHERE event_type = 'test.deleted'"))
                        .isZero();
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    @Test
    void aStartWithoutStoredOffsetsOrOnANewSlotDoesNotPublishTheRetainedTableAgain() {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            db.execute("INSERT INTO outbox_events (id, event_id, event_type, payload) SELECT gen_random_uuid(),"
                    + " gen_random_uuid(), 'test.pending', '{}' FROM generate_series(1, 10)");
            RelaySettings settings = RelaySettings.of(db, rabbit);
            rabbit.declareEventsExchange(settings.exchange());
            try (TestQueue queue = rabbit.bind(settings.exchange(), "#")) {
                try (InProcessRelay relay = InProcessRelay.startReady(settings)) {
                    OutboxRows.insertOne(db, "test.streamed");
                    queue.awaitAtLeast(11, Duration.ofSeconds(30));
                }
                assertThat(db.queryLong("SELECT count(*) FROM outbox_relay_cutover"))
                        .isEqualTo(1);
                assertThat(db.queryLong("SELECT pending_published FROM outbox_relay_cutover"))
                        .isEqualTo(10);

                // Offsets lost: the relay resumes from the slot and publishes only what is new.
                db.execute("DELETE FROM outbox_relay_offsets");
                String afterLostOffsets = OutboxRows.insertOne(db, "test.after_lost_offsets");
                try (InProcessRelay relay = InProcessRelay.startReady(settings)) {
                    // Not a count: the slot may hand over an event of before the stop again, which is allowed.
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> queue.messageIds().contains(afterLostOffsets));
                }
                // A new slot name and a new offset table: still no second cut-over.
                RelaySettings renamed = settings.with("outbox.slot", settings.slot() + "_new")
                        .with("outbox.offset-table", "public.outbox_relay_offsets_new");
                try (InProcessRelay relay = InProcessRelay.startReady(renamed)) {
                    String onNewSlot = OutboxRows.insertOne(db, "test.on_new_slot");
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> queue.messageIds().contains(onNewSlot));
                }
                assertThat(queue.deliveries())
                        .as("the 10 pending rows were published once, by the first start only")
                        .filteredOn(d -> d.getEnvelope().getRoutingKey().equals("test.pending"))
                        .hasSize(10);
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    private static List<String> insertAndDelete(TestDatabase db) throws Exception {
        try (Connection connection = db.connect()) {
            List<String> ids = OutboxRows.insertTransaction(connection, "test.deleted", 5, "{}");
            try (Statement statement = connection.createStatement()) {
                statement.execute("DELETE FROM outbox_events WHERE event_type = 'test.deleted'");
            }
            return ids;
        }
    }
}
