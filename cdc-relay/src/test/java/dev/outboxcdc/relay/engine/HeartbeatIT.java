package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.relay.InProcessRelay;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A quiet outbox in a busy database: the heartbeat keeps the slot advancing and publishes nothing. */
class HeartbeatIT {

    @Test
    void advancesTheSlotWhileOnlyOtherTablesAreWritten() {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            db.execute("CREATE TABLE business (id bigserial PRIMARY KEY, note text)");
            RelaySettings settings = RelaySettings.of(db, rabbit).with("outbox.heartbeat-interval", "300ms");
            rabbit.declareEventsExchange(settings.exchange());
            try (TestQueue queue = rabbit.bind(settings.exchange(), "#");
                    InProcessRelay relay = InProcessRelay.startReady(settings)) {
                db.execute("INSERT INTO business (note) SELECT repeat('x', 200) FROM generate_series(1, 20000)");
                long walAfterWrites = db.queryLong("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");

                Awaitility.await("slot confirmed past the busy table's WAL")
                        .atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> db.queryLong("SELECT confirmed_flush_lsn - '0/0'::pg_lsn FROM pg_replication_slots"
                                        + " WHERE slot_name = '" + settings.slot() + "'")
                                >= walAfterWrites);

                assertThat(queue.deliveries())
                        .as("heartbeats are never published")
                        .isEmpty();
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }
}
