package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outboxcdc.relay.envelope.MessageFactory;
import dev.outboxcdc.relay.envelope.OutboxMessage;
import dev.outboxcdc.relay.health.RelayMetrics;
import dev.outboxcdc.relay.health.RelayStatus;
import dev.outboxcdc.relay.offsets.OffsetWriteStatus;
import dev.outboxcdc.relay.publish.PublishAbortedException;
import dev.outboxcdc.relay.retry.StopSignal;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The data path's guarantees, with a scripted publisher and a recording committer: a record is marked processed
 * (so its offset may be committed) only after RabbitMQ confirmed its event, and a batch that is not confirmed marks
 * nothing.
 */
class OutboxChangeConsumerTest {

    private static final String TOPIC = "outbox.public.outbox_events";
    private static final Schema ROW = SchemaBuilder.struct()
            .field("id", Schema.STRING_SCHEMA)
            .field("event_id", io.debezium.data.Uuid.builder().build())
            .field("event_type", Schema.STRING_SCHEMA)
            .field("payload", io.debezium.data.Json.builder().build())
            .field("created_at", io.debezium.time.ZonedTimestamp.builder().build())
            .build();
    private static final Schema CHANGE = SchemaBuilder.struct()
            .field("after", ROW)
            .field("op", Schema.STRING_SCHEMA)
            .build();

    private final List<String> trace = new ArrayList<>();
    private final StopSignal stop = new StopSignal();
    private final OffsetWriteStatus offsets = OffsetWriteStatus.register("consumer-test-" + System.nanoTime());

    @AfterEach
    void forgetOffsetStatus() {
        offsets.close();
    }

    @Test
    void marksRecordsProcessedOnlyAfterRabbitMqConfirmedTheirEvents() throws Exception {
        List<RecordChangeEvent<SourceRecord>> records = List.of(insert(1), insert(2), heartbeat(3), insert(4));

        consumer(confirmingAll(), 2).handleBatch(records, recording());

        assertThat(trace)
                .containsExactly(
                        "confirmed " + id(1) + "," + id(2),
                        "confirmed " + id(4),
                        "processed 1",
                        "processed 2",
                        "processed 3",
                        "processed 4",
                        "batch finished");
    }

    @Test
    void aBatchAbortedBeforeItsConfirmsMarksNothingProcessed() {
        UnaryOperator<List<OutboxMessage>> confirmsFirstThenStops = messages -> {
            if (trace.isEmpty()) {
                return confirmingAll().apply(messages);
            }
            throw new PublishAbortedException(messages.get(0).eventId(), messages.size());
        };
        List<RecordChangeEvent<SourceRecord>> records = List.of(insert(1), insert(2), insert(3));

        assertThatThrownBy(() -> consumer(confirmsFirstThenStops, 2).handleBatch(records, recording()))
                .isInstanceOf(PublishAbortedException.class);
        assertThat(trace).containsExactly("confirmed " + id(1) + "," + id(2));
    }

    @Test
    void aBatchHandedOverAfterTheStopSignalIsNeitherPublishedNorMarked() throws Exception {
        stop.stop();

        consumer(confirmingAll(), 10).handleBatch(List.of(insert(1)), recording());

        assertThat(trace).isEmpty();
    }

    @Test
    void heartbeatsAreMarkedProcessedWithoutPublishing() throws Exception {
        consumer(confirmingAll(), 10).handleBatch(List.of(heartbeat(1)), recording());

        assertThat(trace).containsExactly("processed 1", "batch finished");
    }

    @Test
    void publishesNothingMoreOnceOffsetsCouldNotBeStored() {
        offsets.failed("cannot store offsets in public.outbox_relay_offsets: connection refused");

        assertThatThrownBy(() -> consumer(confirmingAll(), 10).handleBatch(List.of(insert(1)), recording()))
                .isInstanceOf(OffsetsNotStoredException.class)
                .hasMessageContaining("connection refused");
        assertThat(trace)
                .as("nothing published, nothing marked processed")
                .containsExactly("stopping: cannot store offsets in public.outbox_relay_offsets: connection refused;"
                        + " stopped publishing until offsets can be stored");
    }

    @Test
    void stopsTheEngineWhenTheOffsetWriteOfTheBatchFails() {
        DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> failingCommit = new Recording() {
            @Override
            public void markBatchFinished() {
                super.markBatchFinished();
                offsets.failed("refused by the test");
            }
        };

        assertThatThrownBy(() -> consumer(confirmingAll(), 10).handleBatch(List.of(heartbeat(1)), failingCommit))
                .isInstanceOf(OffsetsNotStoredException.class);
        assertThat(trace)
                .containsExactly(
                        "processed 1",
                        "batch finished",
                        "stopping: refused by the test; stopped publishing until offsets can be stored");
    }

    private OutboxChangeConsumer consumer(UnaryOperator<List<OutboxMessage>> publisher, int maxBatchSize) {
        RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry(), new RelayStatus());
        return new OutboxChangeConsumer(
                TOPIC,
                new MessageFactory("outbox.events", 1024 * 1024),
                new Batches(publisher, metrics, maxBatchSize, 1024 * 1024),
                stop,
                offsets,
                reason -> trace.add("stopping: " + reason));
    }

    /** A publisher RabbitMQ confirms everything of: it returns only once the whole batch is confirmed. */
    private UnaryOperator<List<OutboxMessage>> confirmingAll() {
        return messages -> {
            trace.add("confirmed "
                    + String.join(
                            ",", messages.stream().map(OutboxMessage::eventId).toList()));
            return List.copyOf(messages);
        };
    }

    private DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> recording() {
        return new Recording();
    }

    private static RecordChangeEvent<SourceRecord> insert(int n) {
        Struct after = new Struct(ROW)
                .put("id", "row-" + n)
                .put("event_id", id(n))
                .put("event_type", "test.event")
                .put("payload", "{\"n\": " + n + "}")
                .put("created_at", "2026-01-01T00:00:00.000000Z");
        Struct value = new Struct(CHANGE).put("after", after).put("op", "c");
        SourceRecord record = new SourceRecord(Map.of(), Map.of("n", n), TOPIC, null, null, CHANGE, value);
        return () -> record;
    }

    private static RecordChangeEvent<SourceRecord> heartbeat(int n) {
        SourceRecord record =
                new SourceRecord(Map.of(), Map.of("n", n), "__debezium-heartbeat.outbox", null, null, null, null);
        return () -> record;
    }

    private static String id(int n) {
        return String.format("00000000-0000-0000-0000-%012d", n);
    }

    private class Recording implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record) {
            trace.add("processed " + record.record().sourceOffset().get("n"));
        }

        @Override
        public void markBatchFinished() {
            trace.add("batch finished");
        }

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets sourceOffsets) {
            markProcessed(record);
        }

        @Override
        public DebeziumEngine.Offsets buildOffsets() {
            return null;
        }
    }
}
