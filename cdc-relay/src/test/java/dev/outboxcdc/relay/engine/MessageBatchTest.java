package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import dev.outboxcdc.relay.envelope.OutboxMessage;
import dev.outboxcdc.relay.health.RelayMetrics;
import dev.outboxcdc.relay.health.RelayStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageBatchTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RelayMetrics metrics = new RelayMetrics(registry, new RelayStatus());
    private final List<List<Integer>> published = new ArrayList<>();

    private MessageBatch batch(int maxCount, long maxBytes) {
        return new MessageBatch(
                messages -> {
                    published.add(messages.stream().map(m -> m.body().length).toList());
                    return List.copyOf(messages);
                },
                metrics,
                maxCount,
                maxBytes);
    }

    @Test
    void neverHoldsMoreEnvelopeBytesThanOneBatchPlusOneMessage() {
        MessageBatch batch = batch(100, 1000);
        for (int size : new int[] {400, 400, 400, 100, 2500, 10}) {
            batch.add(message(size));
        }
        batch.flush();

        assertThat(published).containsExactly(List.of(400, 400), List.of(400, 100), List.of(2500), List.of(10));
    }

    @Test
    void publishesAtMostMaxCountMessagesAtOnce() {
        MessageBatch batch = batch(2, 1_000_000);
        for (int i = 0; i < 5; i++) {
            batch.add(message(1));
        }
        batch.flush();

        assertThat(published).extracting(List::size).containsExactly(2, 2, 1);
    }

    @Test
    void countsWhatThePublisherReportsAsPublishedSoARefusedMessageCountsAsDeadLettered() {
        MessageBatch batch = new MessageBatch(messages -> List.of(messages.get(0), deadLetter()), metrics, 10, 1000);
        batch.add(message(10));
        batch.add(message(10));
        batch.flush();

        assertThat(registry.get("outbox.relay.events.published").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("outbox.relay.events.dead.lettered").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void anEmptyBatchPublishesNothing() {
        batch(10, 1000).flush();

        assertThat(published).isEmpty();
    }

    private static OutboxMessage message(int bodyBytes) {
        return new OutboxMessage(
                "outbox.events",
                "test.event",
                new AMQP.BasicProperties(),
                new byte[bodyBytes],
                "00000000-0000-0000-0000-000000000001",
                null,
                System.currentTimeMillis(),
                null);
    }

    private static OutboxMessage deadLetter() {
        return new OutboxMessage(
                "outbox.dead-letter",
                "",
                new AMQP.BasicProperties(),
                new byte[1],
                "00000000-0000-0000-0000-000000000002",
                "RabbitMQ client refused the message",
                System.currentTimeMillis(),
                null);
    }
}
