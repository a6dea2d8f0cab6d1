package dev.outboxcdc.consumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConnectionFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.outboxcdc.envelope.EnvelopeCodec;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestServices;
import dev.outboxcdc.testsupport.UniqueNames;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One test's isolated world: a database with processed_events and an effects table, an exchange
 * of its own, and the queues of the consumers it creates, all removed by {@link #close()}.
 */
final class ConsumerFixture implements AutoCloseable {

    final RabbitEndpoint rabbit;
    final TestDatabase db = TestServices.postgres().createDatabase();
    final String exchange = UniqueNames.of("outbox.events.test");
    final CountingMetrics metrics = new CountingMetrics();
    private final List<OutboxConsumer> consumers = new ArrayList<>();
    private final List<HikariDataSource> pools = new ArrayList<>();

    ConsumerFixture() {
        this(TestServices.rabbitmq());
    }

    /** A world on the broker {@code rabbit} (e.g. one node of a cluster). */
    ConsumerFixture(RabbitEndpoint rabbit) {
        this.rabbit = rabbit;
        db.createProcessedEventsTable();
        db.execute("CREATE TABLE effects (consumer text NOT NULL, event_id uuid NOT NULL, note text)");
        rabbit.declareEventsExchange(exchange);
    }

    /** A pool on the test database, as production runs a consumer: it gives up on a connection after 1 s. */
    HikariDataSource dataSource() {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(db.server().jdbcUrl(db.name()));
        dataSource.setUsername(db.server().user());
        dataSource.setPassword(db.server().password());
        dataSource.setMaximumPoolSize(4);
        dataSource.setConnectionTimeout(1_000);
        dataSource.setInitializationFailTimeout(-1);
        pools.add(dataSource);
        return dataSource;
    }

    ConnectionFactory connectionFactory() {
        return rabbit.recoveringFactory();
    }

    /** A started consumer named {@code name}; closed and its queues deleted by {@link #close()}. */
    OutboxConsumer start(String name, Subscription subscription) {
        return start(builder(name).subscribe(subscription));
    }

    /** A builder for a consumer of this fixture's database and exchange, counting into {@link #metrics}. */
    OutboxConsumer.Builder builder(String name) {
        return OutboxConsumer.builder()
                .name(name)
                .dataSource(dataSource())
                .connectionFactory(connectionFactory())
                .exchange(exchange)
                .metrics(metrics);
    }

    /** Builds and starts the consumer; closed and its queues deleted by {@link #close()}. */
    OutboxConsumer start(OutboxConsumer.Builder builder) {
        OutboxConsumer consumer = builder.build();
        consumers.add(consumer);
        consumer.start();
        return consumer;
    }

    /** A handler that records its effect in table effects. */
    static EventHandler recordingEffect(String consumer) {
        return (event, connection) -> insertEffect(connection, consumer, event.eventId(), event.eventType());
    }

    static void insertEffect(Connection connection, String consumer, UUID eventId, String note) throws Exception {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO effects VALUES (?, ?, ?)")) {
            insert.setString(1, consumer);
            insert.setObject(2, eventId);
            insert.setString(3, note);
            insert.executeUpdate();
        }
    }

    long effects(UUID eventId) {
        return db.queryLong("SELECT count(*) FROM effects WHERE event_id = '" + eventId + "'");
    }

    long effects() {
        return db.queryLong("SELECT count(*) FROM effects");
    }

    /** Publishes an envelope for {@code eventId} as the relay would; returns the body. */
    byte[] publishEvent(UUID eventId, String type) {
        byte[] body =
                EnvelopeCodec.write(eventId.toString(), type, Instant.now().toString(), "{\"name\": \"Ada\"}");
        publish(type, body);
        return body;
    }

    void publish(String routingKey, byte[] body) {
        rabbit.withChannel(channel -> {
            channel.confirmSelect();
            channel.basicPublish(
                    exchange,
                    routingKey,
                    true,
                    new AMQP.BasicProperties.Builder()
                            .contentType("application/json")
                            .deliveryMode(2)
                            .build(),
                    body);
            try {
                channel.waitForConfirmsOrDie(10_000);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    void publishText(String routingKey, String body) {
        publish(routingKey, body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        for (OutboxConsumer consumer : consumers) {
            consumer.close();
            consumer.deleteQueues();
        }
        pools.forEach(HikariDataSource::close);
        rabbit.deleteExchange(exchange);
        db.close();
    }

    /** Counts what the consumers did, per kind. */
    static final class CountingMetrics implements ConsumerMetrics {
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

        int get(String kind) {
            return counts.getOrDefault(kind, new AtomicInteger()).get();
        }

        private void add(String kind) {
            counts.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void handled(String queue) {
            add("handled");
        }

        @Override
        public void duplicateSkipped(String queue) {
            add("duplicates");
        }

        @Override
        public void retried(String queue) {
            add("retried");
        }

        @Override
        public void deadLettered(String queue) {
            add("deadLettered");
        }
    }
}
