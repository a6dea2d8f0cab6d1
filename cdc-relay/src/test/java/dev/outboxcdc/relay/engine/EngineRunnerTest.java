package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outboxcdc.relay.config.OutboxProperties;
import dev.outboxcdc.relay.config.TableName;
import dev.outboxcdc.relay.db.OutboxTableInfo;
import dev.outboxcdc.relay.db.PgConnections;
import dev.outboxcdc.relay.envelope.MessageFactory;
import dev.outboxcdc.relay.health.RelayMetrics;
import dev.outboxcdc.relay.health.RelayStatus;
import dev.outboxcdc.relay.retry.StopSignal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class EngineRunnerTest {

    private static final OutboxProperties CONFIG =
            new Binder(new MapConfigurationPropertySource(Map.of())).bindOrCreate("outbox", OutboxProperties.class);
    private static final OutboxTableInfo TABLE = new OutboxTableInfo(TableName.parse("public.outbox_events"), true);

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final StopSignal stop = new StopSignal();
    private final FakeLease lease = new FakeLease();
    private volatile FakeEngine engine;

    @BeforeEach
    void holdTheLease() {
        lease.tryAcquire();
    }

    @Test
    void reportsStreamingWhenTheEngineTaskStartsAndBuildsTheEngineFromTheRelayConfiguration() {
        runner(run -> run.connector.taskStarted()).run(TABLE, listener());

        assertThat(events).containsExactly("streaming slot outbox_relay on public.outbox_events");
        assertThat(engine.properties.getProperty("slot.name")).isEqualTo("outbox_relay");
        assertThat(engine.properties.getProperty("offset.flush.interval.ms")).isEqualTo("100");
    }

    @Test
    void anEngineThatStoppedWithAnErrorFailsTheRun() {
        EngineRunner runner = runner(
                run -> run.completion.handle(false, "Connector failed", new IllegalStateException("slot is in use")));

        assertThatThrownBy(() -> runner.run(TABLE, listener()))
                .isInstanceOf(EngineFailedException.class)
                .hasMessage("the Debezium engine stopped: Connector failed (IllegalStateException: slot is in use)");
    }

    @Test
    void losingTheLeaseStopsTheEngineAndFailsTheRun() {
        EngineRunner runner = runner(run -> {
            run.connector.taskStarted();
            lease.lose();
            run.awaitClosed();
        });

        assertThatThrownBy(() -> runner.run(TABLE, listener()))
                .isInstanceOf(EngineFailedException.class)
                .hasMessageContaining("lost the lease on slot outbox_relay (its database session ended)");
        assertThat(events)
                .containsExactly(
                        "streaming slot outbox_relay on public.outbox_events",
                        "stopping: lost the lease on slot outbox_relay; stopping the engine");
        assertThat(engine.closed.getCount()).isZero();
    }

    @Test
    void stopClosesTheRunningEngineAndTheRunEndsWithoutError() throws Exception {
        EngineRunner runner = runner(FakeEngine::awaitClosed);
        Thread running = new Thread(() -> runner.run(TABLE, listener()));
        running.start();
        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> engine != null && engine.running.getCount() == 0);

        stop.stop();
        runner.stop();
        running.join(1_000);

        assertThat(running.isAlive()).isFalse();
        assertThat(engine.closed.getCount()).isZero();
    }

    @Test
    void anEngineBuiltWhileTheRelayStopsIsClosedWithoutRunning() {
        stop.stop();
        EngineRunner runner = runner(run -> events.add("ran"));

        runner.run(TABLE, listener());

        assertThat(events).isEmpty();
        assertThat(engine.closed.getCount()).isZero();
    }

    @Test
    void isIdleBeforeAnyRun() {
        assertThat(runner(run -> {}).awaitIdle(Duration.ZERO)).isTrue();
    }

    private EngineRunner runner(Consumer<FakeEngine> behaviour) {
        RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry(), new RelayStatus());
        Batches batches = new Batches(List::copyOf, metrics, 10, 1024);
        return new EngineRunner(
                CONFIG,
                new PgConnections(CONFIG.db()),
                (topic, offsets, stopping) -> new OutboxChangeConsumer(
                        topic, new MessageFactory("outbox.events", 1024), batches, stop, offsets, stopping),
                (properties, changes, connector, completion) -> {
                    engine = new FakeEngine(properties, connector, completion, behaviour);
                    return engine;
                },
                new LeaseWatchdog(lease::isHeld, Duration.ofMillis(5)),
                stop);
    }

    private Streaming.Listener listener() {
        return new Streaming.Listener() {
            @Override
            public void streaming(String detail) {
                events.add("streaming " + detail);
            }

            @Override
            public void stopping(String reason) {
                events.add("stopping: " + reason);
            }
        };
    }
}
