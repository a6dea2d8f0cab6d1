package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.relay.InProcessRelay;
import dev.outboxcdc.relay.OutboxRows;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Migration from the polling relay: rows still PENDING on the first start are published once. */
class PendingRowsIT {

    @Test
    void publishesLeftoverPendingRowsExactlyOnceOnFirstStart() {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            db.execute(
                    "INSERT INTO outbox_events (id, event_id, event_type, payload, status, created_at) VALUES"
                            + " (gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'old.published', '{}', 'PUBLISHED', now() - interval '3 min'),"
                            + " (gen_random_uuid(), '00000000-0000-0000-0000-000000000002', 'old.pending', '{\"n\": 2}', 'PENDING', now() - interval '2 min'),"
                            + " (gen_random_uuid(), '00000000-0000-0000-0000-000000000003', 'old.published', '{}', 'PUBLISHED', now() - interval '90 s'),"
                            + " (gen_random_uuid(), '00000000-0000-0000-0000-000000000004', 'old.pending', '{\"n\": 4}', 'PENDING', now() - interval '1 min')");
            RelaySettings settings = RelaySettings.of(db, rabbit);
            rabbit.declareEventsExchange(settings.exchange());
            try (TestQueue queue = rabbit.bind(settings.exchange(), "#")) {
                String firstNew;
                try (InProcessRelay relay = InProcessRelay.startReady(settings)) {
                    firstNew = OutboxRows.insertOne(db, "new.event");
                    queue.awaitAtLeast(3, Duration.ofSeconds(30));
                }
                String secondNew = OutboxRows.insertOne(db, "new.event");
                try (InProcessRelay relay = InProcessRelay.startReady(settings)) {
                    queue.awaitAtLeast(4, Duration.ofSeconds(30));
                    String marker = OutboxRows.insertOne(db, "new.marker");
                    queue.awaitAtLeast(5, Duration.ofSeconds(30));

                    assertThat(queue.messageIds())
                            .as("pending rows once, in created order, then the stream; no replay on restart")
                            .containsExactly(
                                    "00000000-0000-0000-0000-000000000002",
                                    "00000000-0000-0000-0000-000000000004",
                                    firstNew,
                                    secondNew,
                                    marker);
                }
                List<String> statuses = db.queryStrings("SELECT DISTINCT status FROM outbox_events ORDER BY 1");
                assertThat(statuses).as("the relay does not write status back").containsExactly("PENDING", "PUBLISHED");
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }
}
