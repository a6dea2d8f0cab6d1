package dev.outboxcdc.relay.engine;

import dev.outboxcdc.relay.envelope.MessageFactory;
import dev.outboxcdc.relay.envelope.OutboxRowReader;
import dev.outboxcdc.relay.offsets.OffsetWriteStatus;
import dev.outboxcdc.relay.retry.StopSignal;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The data path, top to bottom: WAL records of a batch → envelopes → publish (in batches capped by
 * count and bytes, see {@link MessageBatch}) → wait for every confirm → mark each record processed →
 * finish the batch (the engine commits the offsets and the slot's confirmed LSN when
 * {@code outbox.offset-commit-interval} has passed, waiting for the write; when they could not be
 * stored, the engine is stopped before anything more is published). Nothing is marked
 * processed before RabbitMQ confirmed it, so a crash at any point republishes at most the events
 * since the last offset commit plus the batch in flight.
 *
 * <p>Start reading at {@link #handleBatch}, then {@code publishAndCommit}: the whole path is in those two methods,
 * in the order it runs. What happens around it (start-up, standby, restarts, shutdown) is {@link RelaySupervisor}'s.
 *
 * <p>Only inserts (and snapshot reads of {@code PENDING} rows) of the outbox table become messages;
 * heartbeats and anything else are marked processed without publishing. Called by one engine thread.
 */
final class OutboxChangeConsumer implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private final String outboxTopic;
    private final MessageFactory messages;
    private final Batches batches;
    private final StopSignal stop;
    private final OffsetWriteStatus offsets;
    private final Consumer<String> stoppingForOffsets;
    private final ReentrantLock inFlight = new ReentrantLock();

    /**
     * A consumer of one engine run.
     *
     * @param outboxTopic        the topic the outbox table's records arrive on
     * @param messages           turns rows into envelopes or dead letters
     * @param batches            publishes and waits for the confirms
     * @param stop               set when the relay stops: no new batch is published from then on
     * @param offsets            whether the offsets of the run could be stored
     * @param stoppingForOffsets told why, when the consumer stops the engine because offsets could not be stored
     */
    OutboxChangeConsumer(
            String outboxTopic,
            MessageFactory messages,
            Batches batches,
            StopSignal stop,
            OffsetWriteStatus offsets,
            Consumer<String> stoppingForOffsets) {
        this.outboxTopic = outboxTopic;
        this.messages = messages;
        this.batches = batches;
        this.stop = stop;
        this.offsets = offsets;
        this.stoppingForOffsets = stoppingForOffsets;
    }

    /**
     * Waits until no batch is in flight. Called after the stop signal: a batch being published
     * finishes (its confirms awaited, its records marked processed) and no new one starts, so the
     * engine's final commit covers everything RabbitMQ confirmed.
     *
     * @return whether the in-flight batch finished within {@code timeout}
     */
    boolean awaitIdle(Duration timeout) {
        try {
            if (inFlight.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                inFlight.unlock();
                return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void handleBatch(
            List<RecordChangeEvent<SourceRecord>> records,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        inFlight.lock();
        try {
            if (!stop.isStopping()) {
                publishAndCommit(records, committer);
            }
        } finally {
            inFlight.unlock();
        }
    }

    private void publishAndCommit(
            List<RecordChangeEvent<SourceRecord>> records,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        requireOffsetsStored();
        MessageBatch batch = batches.open();
        for (RecordChangeEvent<SourceRecord> event : records) {
            SourceRecord record = event.record();
            if (isOutboxInsert(record)) {
                batch.add(messages.toMessage(OutboxRowReader.read(record)));
            }
        }
        batch.flush();
        for (RecordChangeEvent<SourceRecord> event : records) {
            committer.markProcessed(event);
        }
        // Stores the offsets when outbox.offset-commit-interval has passed, waiting for the write.
        committer.markBatchFinished();
        requireOffsetsStored();
    }

    /**
     * Stops the engine (by failing the batch) when the offsets confirmed so far could not be stored: publishing more
     * would only add to what a crash republishes, and an engine that stopped reading would hold up a database that
     * shuts down. The supervisor starts it again once offsets can be written.
     */
    private void requireOffsetsStored() {
        String problem = offsets.problem();
        if (problem != null) {
            OffsetsNotStoredException stopping = new OffsetsNotStoredException(problem);
            stoppingForOffsets.accept(stopping.getMessage()); // not ready at once: the engine takes seconds to stop
            throw stopping;
        }
    }

    private boolean isOutboxInsert(SourceRecord record) {
        if (!outboxTopic.equals(record.topic()) || !(record.value() instanceof Struct value)) {
            return false;
        }
        String op = value.getString("op");
        return ("c".equals(op) || "r".equals(op)) && value.getStruct("after") != null;
    }
}
