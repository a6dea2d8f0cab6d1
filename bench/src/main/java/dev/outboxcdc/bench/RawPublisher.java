package dev.outboxcdc.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.envelope.EnvelopeCodec;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;

/** The ceiling: a plain amqp-client publisher with pipelined confirms, the same messages as the relay's. */
final class RawPublisher {

    private static final int WINDOW = 10_000;

    private RawPublisher() {}

    /** Publishes {@code count} envelopes with routing key {@code bench.event}; returns confirmed messages per second. */
    static double publish(ConnectionFactory factory, String exchange, int count) throws Exception {
        return publish(factory, exchange, "bench.event", count);
    }

    /**
     * Publishes {@code count} envelopes (the relay's properties, persistent) with {@code routingKey};
     * returns confirmed messages per second. Exchange {@code ""} fills the queue named {@code routingKey}.
     */
    static double publish(ConnectionFactory factory, String exchange, String routingKey, int count) throws Exception {
        try (Connection connection = factory.newConnection("outbox-bench-raw");
                Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            Semaphore window = new Semaphore(WINDOW);
            ConcurrentSkipListSet<Long> outstanding = new ConcurrentSkipListSet<>();
            channel.addConfirmListener(
                    (tag, multiple) -> {
                        int confirmed = 0;
                        if (multiple) {
                            var head = outstanding.headSet(tag, true);
                            confirmed = head.size();
                            head.clear();
                        } else if (outstanding.remove(tag)) {
                            confirmed = 1;
                        }
                        window.release(confirmed);
                    },
                    (tag, multiple) -> {
                        throw new IllegalStateException("broker nacked a benchmark message");
                    });
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                window.acquire();
                outstanding.add(channel.getNextPublishSeqNo());
                String id = UUID.randomUUID().toString();
                byte[] body =
                        EnvelopeCodec.write(id, "bench.event", Instant.now().toString(), Workload.PAYLOAD);
                channel.basicPublish(
                        exchange,
                        routingKey,
                        true,
                        new AMQP.BasicProperties.Builder()
                                .messageId(id)
                                .type("bench.event")
                                .contentType("application/json")
                                .deliveryMode(2)
                                .build(),
                        body);
            }
            channel.waitForConfirmsOrDie(60_000);
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }
}
