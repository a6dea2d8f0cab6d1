package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.envelope.QueueType;
import dev.outboxcdc.relay.envelope.MessageFactory;
import dev.outboxcdc.relay.health.RelayMetrics;
import dev.outboxcdc.relay.health.RelayStatus;
import dev.outboxcdc.relay.offsets.OffsetWriteStatus;
import dev.outboxcdc.relay.publish.BrokerConnector;
import dev.outboxcdc.relay.publish.BrokerSession;
import dev.outboxcdc.relay.publish.ConfirmSettings;
import dev.outboxcdc.relay.publish.ConfirmingPublisher;
import dev.outboxcdc.relay.publish.TopologySettings;
import dev.outboxcdc.relay.retry.Backoff;
import dev.outboxcdc.relay.retry.StopSignal;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class OutboxChangeConsumerTest {

    @Test
    void publishesNothingMoreOnceOffsetsCouldNotBeStored() {
        OffsetWriteStatus offsets = OffsetWriteStatus.register("consumer-test-" + System.nanoTime());
        offsets.failed("cannot store offsets in public.outbox_relay_offsets: connection refused");
        List<String> calls = new ArrayList<>();
        // No publisher: the batch must fail before it would publish.
        OutboxChangeConsumer consumer = consumer(null, offsets);

        assertThatThrownBy(() -> consumer.handleBatch(List.of(), recording(calls)))
                .isInstanceOf(OffsetsNotStoredException.class)
                .hasMessageContaining("connection refused");
        assertThat(calls).as("nothing marked processed").isEmpty();
        offsets.close();
    }

    @Test
    void stopsTheEngineWhenTheOffsetWriteOfTheBatchFails() throws Exception {
        OffsetWriteStatus offsets = OffsetWriteStatus.register("consumer-test-" + System.nanoTime());
        List<String> calls = new ArrayList<>();
        RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry(), new RelayStatus());
        ConfirmingPublisher idle = new ConfirmingPublisher(
                new BrokerSession(
                        new BrokerConnector(new ConnectionFactory(), List.of(), "amqp://localhost"),
                        new TopologySettings("outbox.events", 10, QueueType.CLASSIC),
                        new RelayStatus(),
                        metrics),
                new ConfirmSettings(Duration.ofSeconds(1), 0),
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(1)),
                new StopSignal(),
                (row, reason) -> null);
        OutboxChangeConsumer consumer = consumer(idle, offsets);
        DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> failingCommit = new Recording(calls) {
            @Override
            public void markBatchFinished() {
                super.markBatchFinished();
                offsets.failed("refused by the test");
            }
        };

        assertThatThrownBy(() -> consumer.handleBatch(List.of(), failingCommit))
                .isInstanceOf(OffsetsNotStoredException.class);
        assertThat(calls).containsExactly("batch finished");
        offsets.close();
    }

    private static OutboxChangeConsumer consumer(ConfirmingPublisher publisher, OffsetWriteStatus offsets) {
        return new OutboxChangeConsumer(
                "outbox.public.outbox_events",
                new MessageFactory("outbox.events", 1024 * 1024),
                publisher,
                new RelayMetrics(new SimpleMeterRegistry(), new RelayStatus()),
                10,
                1024 * 1024,
                new StopSignal(),
                offsets,
                reason -> {});
    }

    private static DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> recording(List<String> calls) {
        return new Recording(calls);
    }

    private static class Recording implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {
        private final List<String> calls;

        Recording(List<String> calls) {
            this.calls = calls;
        }

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record) {
            calls.add("processed");
        }

        @Override
        public void markBatchFinished() {
            calls.add("batch finished");
        }

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets sourceOffsets) {
            calls.add("processed");
        }

        @Override
        public DebeziumEngine.Offsets buildOffsets() {
            return null;
        }
    }
}
