package dev.outboxcdc.examples.demo;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import dev.outboxcdc.envelope.Envelope;
import dev.outboxcdc.envelope.EnvelopeCodec;
import dev.outboxcdc.envelope.OutboxAmqp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Measures the relay from the outside: a server-named, exclusive queue bound to the events exchange with
 * {@code #} receives a copy of every envelope the relay publishes; commit-to-publish is the time it arrives
 * here minus the envelope's {@code timestamp} (the outbox row's {@code created_at}, set in the writing
 * transaction). It includes the broker's routing and delivery to this queue, so it slightly overstates the
 * relay's own part. Both clocks are this machine's. Deliveries arrive on the client's thread.
 */
final class PublishTap implements AutoCloseable {

    /** One envelope's arrival. */
    record Arrival(Instant timestamp, double latencyMs) {}

    private final Connection connection;
    private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();

    private PublishTap(Connection connection) {
        this.connection = connection;
    }

    /** Binds the tap queue and starts receiving. */
    static PublishTap open(String rabbitmqUri) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(rabbitmqUri);
        PublishTap tap = new PublishTap(factory.newConnection("outbox-demo-tap"));
        Channel channel = tap.connection.createChannel();
        String queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, OutboxAmqp.EVENTS_EXCHANGE, "#");
        DeliverCallback deliver = (tag, delivery) -> {
            long now = System.currentTimeMillis();
            Envelope envelope = EnvelopeCodec.read(delivery.getBody());
            Instant timestamp = envelope.timestamp();
            tap.arrivals.add(
                    new Arrival(timestamp, now - (timestamp.getEpochSecond() * 1000.0 + timestamp.getNano() / 1e6)));
        };
        channel.basicConsume(queue, true, deliver, tag -> {});
        return tap;
    }

    /** Commit-to-publish latencies of the envelopes whose timestamp is in [from, to), sorted. */
    List<Double> latenciesMs(Instant from, Instant to) {
        List<Double> latencies = new ArrayList<>();
        for (Arrival arrival : arrivals) {
            if (!arrival.timestamp().isBefore(from) && arrival.timestamp().isBefore(to)) {
                latencies.add(arrival.latencyMs());
            }
        }
        Collections.sort(latencies);
        return latencies;
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
