package dev.outboxcdc.relay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.outboxcdc.consumer.ConsumerMetrics;
import dev.outboxcdc.consumer.OutboxConsumer;
import dev.outboxcdc.consumer.Subscription;
import dev.outboxcdc.relay.RelayProcess;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestServices;
import dev.outboxcdc.testsupport.UniqueNames;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The whole chain under relay crashes: the consumer's effect count equals the committed events exactly. */
class ExactlyOnceEffectIT {

    @Test
    void theConsumersEffectsEqualTheCommittedEventsDespiteRelayKills() throws Exception {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        String consumerName = UniqueNames.of("ledger");
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            db.createProcessedEventsTable();
            db.execute("CREATE TABLE ledger (event_id uuid NOT NULL)");
            RelaySettings settings = RelaySettings.of(db, rabbit);
            rabbit.declareEventsExchange(settings.exchange());
            HikariDataSource dataSource = new HikariDataSource();
            dataSource.setJdbcUrl(db.server().jdbcUrl(db.name()));
            dataSource.setUsername(db.server().user());
            dataSource.setPassword(db.server().password());
            dataSource.setMaximumPoolSize(4);
            AtomicLong duplicates = new AtomicLong();
            OutboxConsumer consumer = OutboxConsumer.builder()
                    .name(consumerName)
                    .dataSource(dataSource)
                    .connectionFactory(rabbit.recoveringFactory())
                    .exchange(settings.exchange())
                    .metrics(new ConsumerMetrics() {
                        @Override
                        public void duplicateSkipped(String queue) {
                            duplicates.incrementAndGet();
                        }
                    })
                    .subscribe(Subscription.to(
                                    (event, connection) -> {
                                        try (PreparedStatement insert =
                                                connection.prepareStatement("INSERT INTO ledger VALUES (?)")) {
                                            insert.setObject(1, event.eventId());
                                            insert.executeUpdate();
                                        }
                                    },
                                    "test.#")
                            .withConcurrency(2)
                            .withPrefetch(50))
                    .build();
            consumer.start();
            RelayProcess relay = RelayProcess.start(settings, "exactly-once-0").awaitReady(Duration.ofSeconds(60));
            try (EventStream stream = EventStream.start(db, 4, 12_000, 10, "test.ledger")) {
                for (int kill = 1; kill <= 3; kill++) {
                    long target = 2_000L * kill;
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(60))
                            .until(() -> db.queryLong("SELECT count(*) FROM ledger") >= target);
                    relay.kill();
                    relay = RelayProcess.start(settings, "exactly-once-" + kill).awaitReady(Duration.ofSeconds(60));
                }
                Set<String> committed = stream.awaitWritten(Duration.ofSeconds(120));
                Awaitility.await("every committed event applied")
                        .atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> db.queryLong("SELECT count(*) FROM ledger") >= committed.size());
                Awaitility.await()
                        .during(Duration.ofSeconds(2))
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> db.queryLong("SELECT count(*) FROM ledger") == committed.size());

                assertThat(db.queryLong("SELECT count(DISTINCT event_id) FROM ledger"))
                        .isEqualTo(committed.size());
                assertThat(db.queryStrings("SELECT event_id::text FROM ledger"))
                        .containsExactlyInAnyOrderElementsOf(committed);
                System.out.printf(
                        "ExactlyOnceEffectIT: committed=%d effects=%d duplicates skipped=%d%n",
                        committed.size(), db.queryLong("SELECT count(*) FROM ledger"), duplicates.get());
            } finally {
                relay.close();
                consumer.close();
                dataSource.close();
                for (String queue : consumer.queues()) {
                    rabbit.deleteQueue(queue);
                    rabbit.deleteQueue(queue + ".dlq");
                    rabbit.deleteQueue(queue + ".retry.1");
                    rabbit.deleteQueue(queue + ".retry.2");
                }
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }
}
