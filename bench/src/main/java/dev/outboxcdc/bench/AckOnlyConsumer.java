package dev.outboxcdc.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.time.Duration;

/** The broker's delivery rate: one channel that acks each delivery and does nothing else. */
final class AckOnlyConsumer implements ConsumerUnderTest {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final ConnectionFactory factory;
    private final int prefetch;

    AckOnlyConsumer(ConnectionFactory factory, int prefetch) {
        this.factory = factory;
        this.prefetch = prefetch;
    }

    @Override
    public String label() {
        return "raw: acks only (the broker's delivery rate)";
    }

    @Override
    public String key() {
        return "raw";
    }

    @Override
    public int prefetch() {
        return prefetch;
    }

    @Override
    public boolean writes() {
        return false;
    }

    @Override
    public AutoCloseable start(String queue, Progress progress) throws Exception {
        Connection connection = factory.newConnection("outbox-bench-ack-only");
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
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                    progress.done();
                } catch (IOException | RuntimeException e) {
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
