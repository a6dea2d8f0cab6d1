package dev.outboxcdc.relay.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.ConnectionFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.outboxcdc.consumer.OutboxConsumer;
import dev.outboxcdc.consumer.Subscription;
import dev.outboxcdc.envelope.QueueType;
import dev.outboxcdc.relay.RelayProcess;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitCluster;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestServices;
import dev.outboxcdc.testsupport.UniqueNames;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The relay streams into quorum-queue consumers on a three-node cluster while one node is stopped and
 * started again: the node the relay is connected to, or the one leading the consumers' queue. Every
 * committed event has exactly one effect.
 */
class BrokerFailoverClusterIT {

    private static final int EVENTS = 12_000;

    @ParameterizedTest(name = "stopping {0}")
    @ValueSource(strings = {"the relay's node", "the leader of the consumers' queue"})
    void everyCommittedEventHasOneEffectWhenANodeStopsMidStream(String stopped) throws Exception {
        RabbitCluster cluster = RabbitCluster.assumeConfigured();
        RabbitEndpoint firstNode =
                new RabbitEndpoint("amqp://guest:guest@" + cluster.addressList().split(",")[0] + "/%2F");
        String consumerName = UniqueNames.of("ledger");
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            db.createProcessedEventsTable();
            db.execute("CREATE TABLE ledger (event_id uuid NOT NULL)");
            RelaySettings settings = RelaySettings.of(db, firstNode)
                    .with("outbox.rabbitmq.addresses", cluster.addressList())
                    .with("outbox.queue-type", "quorum");
            firstNode.declareEventsExchange(settings.exchange());
            HikariDataSource dataSource = new HikariDataSource();
            dataSource.setJdbcUrl(db.server().jdbcUrl(db.name()));
            dataSource.setUsername(db.server().user());
            dataSource.setPassword(db.server().password());
            dataSource.setMaximumPoolSize(4);
            ConnectionFactory factory = cluster.factory();
            factory.setAutomaticRecoveryEnabled(true);
            factory.setNetworkRecoveryInterval(500);
            OutboxConsumer consumer = OutboxConsumer.builder()
                    .name(consumerName)
                    .dataSource(dataSource)
                    .connectionFactory(factory)
                    .addresses(cluster.addresses())
                    .queueType(QueueType.QUORUM)
                    .exchange(settings.exchange())
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
            String queue = consumer.queues().get(0);
            String node = null;
            RelayProcess relay = RelayProcess.start(settings, "cluster-relay").awaitReady(Duration.ofSeconds(60));
            try (EventStream stream = EventStream.start(db, 4, EVENTS, 10, "test.ledger", 1_500)) {
                Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> db.queryLong("SELECT count(*) FROM ledger") >= 2_000);
                node = stopped.startsWith("the relay")
                        ? cluster.nodesOfConnections("cdc-relay").get(0)
                        : cluster.leaderOf(queue);
                long before = db.queryLong("SELECT count(*) FROM ledger");
                cluster.stopNode(node);
                Awaitility.await("events flow while " + node + " is down")
                        .atMost(Duration.ofSeconds(90))
                        .until(() -> db.queryLong("SELECT count(*) FROM ledger") >= before + 2_000);
                cluster.startNode(node);
                node = null;

                Set<String> committed = stream.awaitWritten(Duration.ofSeconds(180));
                Awaitility.await("every committed event applied")
                        .atMost(Duration.ofSeconds(180))
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
            } finally {
                if (node != null) {
                    cluster.startNode(node);
                }
                relay.close();
                consumer.close();
                consumer.deleteQueues();
                dataSource.close();
                cluster.deleteExchange(settings.exchange());
            }
        }
    }
}
