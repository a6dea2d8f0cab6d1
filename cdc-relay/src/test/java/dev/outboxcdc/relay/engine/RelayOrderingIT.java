package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.relay.InProcessRelay;
import dev.outboxcdc.relay.OutboxRows;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import dev.outboxcdc.testsupport.UniqueNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Only committed rows are published, in commit order, and within a transaction in insert order. */
class RelayOrderingIT {

    private static final RabbitEndpoint rabbit = TestServices.rabbitmq();
    private TestDatabase db;

    @BeforeEach
    void createDatabase() {
        db = TestServices.postgres().createDatabase();
        db.createOutboxTable();
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    void publishesNothingForARolledBackTransaction() throws Exception {
        RelaySettings settings = RelaySettings.of(db, rabbit);
        rabbit.declareEventsExchange(settings.exchange());
        try (TestQueue queue = rabbit.bind(settings.exchange(), "#");
                InProcessRelay relay = InProcessRelay.startReady(settings);
                Connection connection = db.connect()) {
            connection.setAutoCommit(false);
            String rolledBack = UUID.randomUUID().toString();
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO outbox_events (id, event_id, event_type, payload) VALUES (?, ?::uuid, 'test.rolled_back', '{}')")) {
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, rolledBack);
                insert.executeUpdate();
            }
            connection.rollback();
            connection.setAutoCommit(true);
            String committed = OutboxRows.insertOne(db, "test.committed");

            queue.awaitAtLeast(1, Duration.ofSeconds(30));
            assertThat(queue.messageIds()).containsExactly(committed).doesNotContain(rolledBack);
        } finally {
            rabbit.deleteExchange(settings.exchange());
        }
    }

    @Test
    void publishesConcurrentWritersInCommitOrder() throws Exception {
        RelaySettings settings = RelaySettings.of(db, rabbit);
        rabbit.declareEventsExchange(settings.exchange());
        // A second slot, read with test_decoding, records PostgreSQL's own commit order to compare with.
        String witness = UniqueNames.of("witness");
        db.execute("SELECT pg_create_logical_replication_slot('" + witness + "', 'test_decoding')");
        int writers = 4;
        int transactionsPerWriter = 50;
        int rowsPerTransaction = 5;
        int total = writers * transactionsPerWriter * rowsPerTransaction;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try (TestQueue queue = rabbit.bind(settings.exchange(), "#");
                InProcessRelay relay = InProcessRelay.startReady(settings)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String type = "test.writer" + w;
                done.add(pool.submit(() -> {
                    try (Connection connection = db.connect()) {
                        for (int t = 0; t < transactionsPerWriter; t++) {
                            OutboxRows.insertTransaction(connection, type, rowsPerTransaction, "{\"n\": 1}");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
            queue.awaitAtLeast(total, Duration.ofSeconds(60));
            List<String> commitOrder =
                    db.queryStrings("SELECT substring(data from 'event_id\\[uuid\\]:''([0-9a-f-]+)''')"
                            + " FROM pg_logical_slot_peek_changes('" + witness + "', NULL, NULL)"
                            + " WHERE data LIKE 'table public.outbox_events: INSERT:%'");

            assertThat(commitOrder).hasSize(total);
            assertThat(queue.messageIds())
                    .as("published in commit order, transactions in insert order")
                    .containsExactlyElementsOf(commitOrder);
        } finally {
            pool.shutdownNow();
            db.execute("SELECT pg_drop_replication_slot('" + witness + "')");
            rabbit.deleteExchange(settings.exchange());
        }
    }
}
