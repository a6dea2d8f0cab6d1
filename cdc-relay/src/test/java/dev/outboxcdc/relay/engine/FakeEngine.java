package dev.outboxcdc.relay.engine;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.connect.source.SourceRecord;

/** Runs {@code behaviour} as its run; {@link #awaitClosed()} blocks until the runner closes it. */
final class FakeEngine implements DebeziumEngine<RecordChangeEvent<SourceRecord>> {

    final Properties properties;
    final DebeziumEngine.ConnectorCallback connector;
    final DebeziumEngine.CompletionCallback completion;
    final Consumer<FakeEngine> behaviour;
    final CountDownLatch running = new CountDownLatch(1);
    final CountDownLatch closed = new CountDownLatch(1);

    FakeEngine(
            Properties properties,
            DebeziumEngine.ConnectorCallback connector,
            DebeziumEngine.CompletionCallback completion,
            Consumer<FakeEngine> behaviour) {
        this.properties = properties;
        this.connector = connector;
        this.completion = completion;
        this.behaviour = behaviour;
    }

    @Override
    public void run() {
        running.countDown();
        behaviour.accept(this);
    }

    void awaitClosed() {
        try {
            if (!closed.await(5, TimeUnit.SECONDS)) {
                throw new AssertionError("the runner never closed the engine");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed.countDown();
    }
}
