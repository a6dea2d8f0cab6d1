package dev.outboxcdc.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.envelope.EnvelopeCodec;
import java.sql.Array;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The design cdc-relay replaces: every second, select up to 1,000 PENDING rows FOR UPDATE SKIP LOCKED in
 * created order, publish them with confirms, update them to PUBLISHED.
 */
final class PollingRelay implements Relay {

    private static final String SELECT = """
            SELECT id, event_id::text, event_type, payload::text, created_at FROM outbox_events
            WHERE status = 'PENDING' ORDER BY created_at LIMIT 1000 FOR UPDATE SKIP LOCKED""";
    private static final String MARK =
            "UPDATE outbox_events SET status = 'PUBLISHED', updated_at = now() WHERE id = ANY (?)";

    private final BenchOptions options;
    private final String database;
    private final ConnectionFactory factory;
    private final String exchange;
    private ScheduledExecutorService poller;
    private java.sql.Connection db;
    private Connection broker;
    private Channel channel;
    private volatile Exception failure;

    PollingRelay(BenchOptions options, String database, ConnectionFactory factory, String exchange) {
        this.options = options;
        this.database = database;
        this.factory = factory;
        this.exchange = exchange;
    }

    @Override
    public String name() {
        return "polling relay (1 s, 1,000 rows)";
    }

    @Override
    public double cpuSeconds() {
        return Double.NaN;
    }

    @Override
    public double start() throws Exception {
        long begin = System.nanoTime();
        db = DriverManager.getConnection(options.jdbcUrl(database), options.pgUser(), options.pgPassword());
        db.setAutoCommit(false);
        broker = factory.newConnection("outbox-bench-poller");
        channel = broker.createChannel();
        channel.confirmSelect();
        poller = Executors.newSingleThreadScheduledExecutor();
        poller.scheduleWithFixedDelay(this::pollOnce, 0, 1, TimeUnit.SECONDS);
        return (System.nanoTime() - begin) / 1e9;
    }

    private void pollOnce() {
        try {
            List<Object> ids = new ArrayList<>();
            try (PreparedStatement select = db.prepareStatement(SELECT);
                    ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                    Timestamp created = rs.getTimestamp(5);
                    String eventId = rs.getString(2);
                    byte[] body = EnvelopeCodec.write(
                            eventId, rs.getString(3), created.toInstant().toString(), rs.getString(4));
                    channel.basicPublish(
                            exchange,
                            rs.getString(3),
                            true,
                            new AMQP.BasicProperties.Builder()
                                    .messageId(eventId)
                                    .type(rs.getString(3))
                                    .contentType("application/json")
                                    .deliveryMode(2)
                                    .timestamp(new Date(created.getTime()))
                                    .build(),
                            body);
                }
            }
            if (!ids.isEmpty()) {
                channel.waitForConfirmsOrDie(60_000);
                try (PreparedStatement mark = db.prepareStatement(MARK)) {
                    Array array = db.createArrayOf("uuid", ids.toArray());
                    mark.setArray(1, array);
                    mark.executeUpdate();
                }
            }
            db.commit();
        } catch (Exception e) {
            failure = e;
        }
    }

    @Override
    public long peakRssKb() {
        return -1;
    }

    @Override
    public void stop() throws Exception {
        poller.shutdown();
        poller.awaitTermination(60, TimeUnit.SECONDS);
        broker.close();
        db.close();
        if (failure != null) {
            throw new IllegalStateException("the polling relay failed", failure);
        }
    }
}
