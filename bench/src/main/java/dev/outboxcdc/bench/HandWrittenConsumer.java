package dev.outboxcdc.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.outboxcdc.envelope.EnvelopeCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * What a careful developer writes without consumer-support: amqp-client's {@link DefaultConsumer} on one
 * channel; per delivery parse the envelope, take a pooled connection, switch auto-commit off, record the
 * event in processed_events ({@code ON CONFLICT DO NOTHING}), write the effect when the record is new,
 * commit, then ack. No retry queues, no dead-lettering, no metrics: the baseline consumer-support is
 * measured against.
 */
final class HandWrittenConsumer implements ConsumerUnderTest {

    private static final String RECORD = """
            INSERT INTO processed_events (consumer, event_id, processed_at) VALUES (?, ?, now())
            ON CONFLICT DO NOTHING""";

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final ConnectionFactory factory;
    private final DataSource dataSource;
    private final int prefetch;

    HandWrittenConsumer(ConnectionFactory factory, DataSource dataSource, int prefetch) {
        this.factory = factory;
        this.dataSource = dataSource;
        this.prefetch = prefetch;
    }

    @Override
    public String label() {
        return "hand-written";
    }

    @Override
    public String key() {
        return prefetch == ConsumerBench.DEFAULT_PREFETCH ? "hand-written" : "hand-written-" + prefetch;
    }

    @Override
    public int prefetch() {
        return prefetch;
    }

    @Override
    public boolean writes() {
        return true;
    }

    @Override
    public AutoCloseable start(String queue, Progress progress) throws Exception {
        com.rabbitmq.client.Connection connection = factory.newConnection("outbox-bench-hand-written");
        var channel = connection.createChannel();
        channel.basicQos(prefetch);
        InFlight inFlight = new InFlight();
        channel.basicConsume(queue, false, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                if (!inFlight.enter()) {
                    return;
                }
                try {
                    var event = EnvelopeCodec.read(body);
                    try (Connection db = dataSource.getConnection()) {
                        db.setAutoCommit(false);
                        try (PreparedStatement record = db.prepareStatement(RECORD)) {
                            record.setString(1, ConsumerBench.CONSUMER);
                            record.setObject(2, event.eventId());
                            if (record.executeUpdate() == 1) {
                                Effects.write(event, db);
                            }
                        }
                        db.commit();
                    }
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                    progress.done();
                } catch (Exception e) {
                    // The pool rolls back what did not commit; closing the connection requeues the delivery.
                    progress.fail(e);
                } finally {
                    inFlight.exit();
                }
            }
        });
        return () -> {
            inFlight.stopAndAwait(STOP_TIMEOUT);
            connection.close();
        };
    }
}
