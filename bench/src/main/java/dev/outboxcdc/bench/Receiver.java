package dev.outboxcdc.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The consumer bound with {@code #}: counts distinct events, notes when the first and last arrived,
 * and measures commit-to-consume latency from the envelope's {@code timestamp} (the row's created_at).
 */
final class Receiver implements AutoCloseable {

    private final Connection connection;
    private final Set<String> ids = new HashSet<>();
    private long[] latencyMicros = new long[1 << 16];
    private int latencies;
    private long firstNanos;
    private long lastNanos;
    private boolean recording;

    Receiver(ConnectionFactory factory, String exchange) throws Exception {
        connection = factory.newConnection("outbox-bench-receiver");
        Channel channel = connection.createChannel();
        String queue = channel.queueDeclare("", false, true, true, null).getQueue();
        channel.queueBind(queue, exchange, "#");
        channel.basicQos(5_000);
        channel.basicConsume(queue, true, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                received(properties.getMessageId(), body);
            }
        });
    }

    private synchronized void received(String id, byte[] body) {
        long now = System.nanoTime();
        Instant arrival = Instant.now();
        if (!ids.add(id)) {
            return;
        }
        if (ids.size() == 1) {
            firstNanos = now;
        }
        lastNanos = now;
        if (recording) {
            String text = new String(body, StandardCharsets.UTF_8);
            int at = text.indexOf("\"timestamp\":\"") + 13;
            Instant created = Instant.parse(text.substring(at, text.indexOf('"', at)));
            if (latencies == latencyMicros.length) {
                latencyMicros = Arrays.copyOf(latencyMicros, latencies * 2);
            }
            latencyMicros[latencies++] = Duration.between(created, arrival).toNanos() / 1_000;
        }
        notifyAll();
    }

    /** Forgets what was received; records latencies from now on when {@code recordLatency}. */
    synchronized void reset(boolean recordLatency) {
        ids.clear();
        latencies = 0;
        recording = recordLatency;
        firstNanos = 0;
        lastNanos = 0;
    }

    /** Waits until {@code count} distinct events arrived. */
    synchronized void await(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ids.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException(
                        "only " + ids.size() + " of " + count + " events arrived within " + timeout);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    synchronized int received() {
        return ids.size();
    }

    synchronized long firstNanos() {
        return firstNanos;
    }

    synchronized long lastNanos() {
        return lastNanos;
    }

    /** Latency percentile in milliseconds over the recorded events. */
    synchronized double percentileMillis(double p) {
        if (latencies == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(latencyMicros, latencies);
        Arrays.sort(sorted);
        return sorted[Math.min(latencies - 1, (int) Math.ceil(p * latencies) - 1)] / 1000.0;
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
