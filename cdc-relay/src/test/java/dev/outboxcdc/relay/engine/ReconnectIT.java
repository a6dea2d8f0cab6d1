package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.relay.OutboxRows;
import dev.outboxcdc.relay.RelayProcess;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TcpProxy;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import java.net.URI;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A broker or database that is down is waited for, not treated as a configuration error. */
class ReconnectIT {

    @Test
    void waitsForTheBrokerAliveButNotReadyAndLogsTheStateOnce() {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        URI broker = URI.create(rabbit.uri());
        try (TestDatabase db = TestServices.postgres().createDatabase();
                TcpProxy proxy = TcpProxy.cutTo(broker.getHost(), broker.getPort())) {
            db.createOutboxTable();
            String proxied =
                    rabbit.uri().replace(broker.getHost() + ":" + broker.getPort(), "127.0.0.1:" + proxy.port());
            RelaySettings settings = RelaySettings.of(db, rabbit)
                    .with("outbox.rabbitmq.uri", proxied)
                    .with("outbox.retry-backoff", "100ms")
                    .with("outbox.max-retry-backoff", "300ms");
            rabbit.declareEventsExchange(settings.exchange());
            try (TestQueue queue = rabbit.bind(settings.exchange(), "#");
                    RelayProcess relay = RelayProcess.start(settings, "broker-down")) {
                String written = OutboxRows.insertOne(db, "test.waiting");
                Awaitility.await("several failed attempts")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> relay.httpStatus("/actuator/health/liveness") == 200
                                && relay.log().contains("RECONNECTING"));
                Awaitility.await()
                        .during(Duration.ofSeconds(2))
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> relay.httpStatus("/actuator/health/readiness") == 503 && relay.isAlive());
                assertThat(count(relay.log(), "-> RECONNECTING"))
                        .as("one log line per state change, not per attempt")
                        .isEqualTo(1);
                assertThat(relay.log()).doesNotContain("guest:guest").contains("guest:****");

                proxy.restore();
                relay.awaitReady(Duration.ofSeconds(30));
                queue.awaitAtLeast(1, Duration.ofSeconds(30));
                assertThat(queue.messageIds()).containsExactly(written);
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    @Test
    void waitsForTheDatabase() {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase();
                TcpProxy proxy = TcpProxy.cutTo(db.server().host(), db.server().port())) {
            db.createOutboxTable();
            RelaySettings settings = RelaySettings.of(db, rabbit)
                    .with("outbox.db.port", String.valueOf(proxy.port()))
                    .with("outbox.db.host", "127.0.0.1")
                    .with("outbox.retry-backoff", "100ms")
                    .with("outbox.max-retry-backoff", "300ms");
            rabbit.declareEventsExchange(settings.exchange());
            try (TestQueue queue = rabbit.bind(settings.exchange(), "#");
                    RelayProcess relay = RelayProcess.start(settings, "database-down")) {
                Awaitility.await("several failed attempts")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> relay.httpStatus("/actuator/health/liveness") == 200
                                && relay.log().contains("RECONNECTING"));
                Awaitility.await()
                        .during(Duration.ofSeconds(2))
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> relay.httpStatus("/actuator/health/readiness") == 503 && relay.isAlive());
                assertThat(count(relay.log(), "-> RECONNECTING")).isEqualTo(1);

                proxy.restore();
                relay.awaitReady(Duration.ofSeconds(30));
                String written = OutboxRows.insertOne(db, "test.after_outage");
                queue.awaitAtLeast(1, Duration.ofSeconds(30));
                assertThat(queue.messageIds()).containsExactly(written);
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    @Test
    void republishesFromTheFirstUnconfirmedEventWhenTheBrokerConnectionBreaksMidStream() throws Exception {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        URI broker = URI.create(rabbit.uri());
        try (TestDatabase db = TestServices.postgres().createDatabase();
                TcpProxy proxy = TcpProxy.cutTo(broker.getHost(), broker.getPort())) {
            db.createOutboxTable();
            proxy.restore();
            String proxied =
                    rabbit.uri().replace(broker.getHost() + ":" + broker.getPort(), "127.0.0.1:" + proxy.port());
            RelaySettings settings = RelaySettings.of(db, rabbit)
                    .with("outbox.rabbitmq.uri", proxied)
                    .with("outbox.retry-backoff", "100ms")
                    .with("outbox.max-retry-backoff", "300ms");
            rabbit.declareEventsExchange(settings.exchange());
            java.util.Set<String> committed = java.util.concurrent.ConcurrentHashMap.newKeySet();
            try (TestQueue queue = rabbit.bind(settings.exchange(), "#");
                    RelayProcess relay =
                            RelayProcess.start(settings, "broker-cut").awaitReady(Duration.ofSeconds(60));
                    java.sql.Connection connection = db.connect()) {
                for (int round = 0; round < 3; round++) {
                    for (int t = 0; t < 100; t++) {
                        committed.addAll(OutboxRows.insertTransaction(connection, "test.cut", 10, "{\"n\": 1}"));
                    }
                    proxy.cut();
                    proxy.restore();
                }
                Awaitility.await("every committed event received")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> new java.util.HashSet<>(queue.messageIds()).containsAll(committed));
                assertThat(relay.log()).contains("RabbitMQ disconnected");
                System.out.printf(
                        "ReconnectIT broker cuts: committed=%d received=%d%n",
                        committed.size(), queue.messageIds().size());
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }
}
