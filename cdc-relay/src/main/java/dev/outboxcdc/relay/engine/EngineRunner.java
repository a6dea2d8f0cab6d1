package dev.outboxcdc.relay.engine;

import dev.outboxcdc.relay.config.OutboxProperties;
import dev.outboxcdc.relay.db.OutboxTableInfo;
import dev.outboxcdc.relay.db.PgConnections;
import dev.outboxcdc.relay.offsets.OffsetWriteStatus;
import dev.outboxcdc.relay.retry.StopSignal;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Debezium engine: builds it from {@link DebeziumConfig} with an {@link OutboxChangeConsumer} (the data
 * path) and callbacks that report its start and its failure, runs it on the caller's thread, and stops it when the
 * {@link LeaseWatchdog} finds the lease lost. One run at a time; {@link #awaitIdle} and {@link #stop} may be called
 * from any thread.
 */
final class EngineRunner implements Streaming {

    /** Makes the batch handler of one run. */
    @FunctionalInterface
    interface ChangeConsumers {
        /**
         * The handler of the records of {@code outboxTopic}, checking {@code offsets} and telling
         * {@code stoppingForOffsets} when it stops the engine because they could not be stored.
         */
        OutboxChangeConsumer create(String outboxTopic, OffsetWriteStatus offsets, Consumer<String> stoppingForOffsets);
    }

    private static final Logger log = LoggerFactory.getLogger(EngineRunner.class);

    private final OutboxProperties config;
    private final PgConnections connections;
    private final ChangeConsumers consumers;
    private final EngineFactory engines;
    private final LeaseWatchdog watchdog;
    private final StopSignal stop;
    private final AtomicReference<DebeziumEngine<RecordChangeEvent<SourceRecord>>> engine = new AtomicReference<>();
    private final AtomicReference<OutboxChangeConsumer> consumer = new AtomicReference<>();

    EngineRunner(
            OutboxProperties config,
            PgConnections connections,
            ChangeConsumers consumers,
            EngineFactory engines,
            LeaseWatchdog watchdog,
            StopSignal stop) {
        this.config = config;
        this.connections = connections;
        this.consumers = consumers;
        this.engines = engines;
        this.watchdog = watchdog;
        this.stop = stop;
    }

    @Override
    public void run(OutboxTableInfo table, Listener listener) {
        OffsetWriteStatus offsets = OffsetWriteStatus.register(config.slot() + "-" + UUID.randomUUID());
        try {
            run(table, listener, offsets);
        } finally {
            offsets.close();
        }
    }

    private void run(OutboxTableInfo table, Listener listener, OffsetWriteStatus offsets) {
        AtomicBoolean leaseLost = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<String> failureMessage = new AtomicReference<>();
        OutboxChangeConsumer changes =
                consumers.create(DebeziumConfig.outboxTopic(table.table()), offsets, listener::stopping);
        consumer.set(changes);
        DebeziumEngine<RecordChangeEvent<SourceRecord>> built = engines.create(
                DebeziumConfig.engineProperties(config, table, connections, offsets.key()),
                changes,
                new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        if (!leaseLost.get()) {
                            listener.streaming("slot " + config.slot() + " on " + table.table());
                        }
                    }
                },
                (success, message, error) -> {
                    if (!success) {
                        failureMessage.set(message);
                        failure.set(error);
                    }
                });
        engine.set(built);
        if (stop.isStopping()) {
            stop();
            return;
        }
        try (LeaseWatchdog.Watch watch = watchdog.watch(() -> {
            // Not ready from now on, even while the engine takes its time to stop on silent connections.
            leaseLost.set(true);
            listener.stopping("lost the lease on slot " + config.slot() + "; stopping the engine");
            stop();
        })) {
            built.run();
        } finally {
            engine.set(null);
        }
        if (leaseLost.get() && !stop.isStopping()) {
            throw new EngineFailedException(
                    "lost the lease on slot " + config.slot()
                            + " (its database session ended); stopped streaming until it is taken again",
                    null);
        }
        if (failure.get() != null || failureMessage.get() != null) {
            throw new EngineFailedException(failureMessage.get(), failure.get());
        }
    }

    @Override
    public boolean awaitIdle(Duration timeout) {
        OutboxChangeConsumer current = consumer.get();
        return current == null || current.awaitIdle(timeout);
    }

    @Override
    public void stop() {
        DebeziumEngine<RecordChangeEvent<SourceRecord>> running = engine.get();
        if (running != null) {
            try {
                running.close();
            } catch (IOException e) {
                log.warn("Closing the Debezium engine failed: {}", e.getMessage());
            }
        }
    }
}
