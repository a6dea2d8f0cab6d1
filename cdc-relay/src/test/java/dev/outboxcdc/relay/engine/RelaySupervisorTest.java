package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.relay.config.OutboxProperties;
import dev.outboxcdc.relay.config.RelayConfigurationException;
import dev.outboxcdc.relay.config.TableName;
import dev.outboxcdc.relay.db.OutboxTableInfo;
import dev.outboxcdc.relay.db.PgConnections;
import dev.outboxcdc.relay.envelope.MessageFactory;
import dev.outboxcdc.relay.health.RelayMetrics;
import dev.outboxcdc.relay.health.RelayState;
import dev.outboxcdc.relay.health.RelayStatus;
import dev.outboxcdc.relay.retry.Backoff;
import dev.outboxcdc.relay.retry.StopSignal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The supervisor's state machine with every collaborator faked: no database, no broker, no Debezium. */
class RelaySupervisorTest {

    private static final OutboxProperties CONFIG =
            new Binder(new MapConfigurationPropertySource(Map.of())).bindOrCreate("outbox", OutboxProperties.class);
    private static final OutboxTableInfo TABLE = new OutboxTableInfo(TableName.parse("public.outbox_events"), true);
    private static final Duration BACKOFF = Duration.ofMillis(100);

    private final List<String> trace = new CopyOnWriteArrayList<>();
    private final List<Long> runStarts = new CopyOnWriteArrayList<>();
    private final RelayStatus status = new RelayStatus();
    private final StopSignal stop = new StopSignal();
    private final FakeLease lease = new FakeLease();
    private final AtomicInteger exitCode = new AtomicInteger(-1);
    private final ScriptedStartup startup = new ScriptedStartup();
    private final ScriptedStreaming streaming = new ScriptedStreaming();
    private RelaySupervisor supervisor;

    @AfterEach
    void stopSupervisor() {
        if (supervisor != null) {
            supervisor.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void aStandbyTakesOverOnceTheActiveRelayReleasedTheLease() {
        lease.takenByAnother();
        start(streaming);

        awaitState(RelayState.STANDBY);
        assertThat(trace).doesNotContain("prepare", "run");

        lease.release();

        awaitState(RelayState.STREAMING);
        assertThat(trace).containsSubsequence("check", "prepare", "run");
        assertThat(lease.isHeld()).isTrue();
    }

    @Test
    void anEngineFailureIsFollowedByABackoffThenAFreshStart() {
        streaming.runs.add(listener -> {
            listener.streaming("slot outbox_relay");
            throw new EngineFailedException("Connector failed", null);
        });
        start(streaming);

        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> runStarts.size() == 2);
        awaitState(RelayState.STREAMING);

        assertThat(runStarts.get(1) - runStarts.get(0)).isGreaterThanOrEqualTo(BACKOFF.toNanos());
        assertThat(Collections.frequency(trace, "prepare")).isEqualTo(2);
        assertThat(lease.acquisitions())
                .as("the lease was given up between the runs")
                .isEqualTo(2);
    }

    @Test
    void aBrokerThatIsDownIsRetriedWithoutHoldingTheLeaseMeanwhile() {
        startup.prepareFailures.add(new IOException("Connection refused"));
        start(streaming);

        awaitState(RelayState.STREAMING);

        assertThat(Collections.frequency(trace, "prepare")).isEqualTo(2);
        assertThat(Collections.frequency(trace, "run")).isEqualTo(1);
        assertThat(lease.acquisitions()).isEqualTo(2);
    }

    @Test
    void losingTheLeaseWhileStreamingStopsTheEngineAndTheRelayBecomesAStandby() {
        RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry(), status);
        Batches batches = new Batches(List::copyOf, metrics, 10, 1024);
        List<FakeEngine> engines = new CopyOnWriteArrayList<>();
        EngineRunner runner = new EngineRunner(
                CONFIG,
                new PgConnections(CONFIG.db()),
                (topic, offsets, stopping) -> new OutboxChangeConsumer(
                        topic, new MessageFactory("outbox.events", 1024), batches, stop, offsets, stopping),
                (properties, changes, connector, completion) -> {
                    FakeEngine engine = new FakeEngine(properties, connector, completion, run -> {
                        run.connector.taskStarted();
                        run.awaitClosed();
                    });
                    engines.add(engine);
                    return engine;
                },
                new LeaseWatchdog(lease::isHeld, Duration.ofMillis(5)),
                stop);
        start(runner);
        awaitState(RelayState.STREAMING);

        lease.lose();
        lease.takenByAnother();

        awaitState(RelayState.STANDBY);
        assertThat(engines).hasSize(1);
        assertThat(engines.get(0).closed.getCount()).isZero();
    }

    @Test
    void aConfigurationErrorEndsTheProcessWithExitCode2WithoutContendingForTheSlot() {
        startup.checkFailures.add(new RelayConfigurationException("PostgreSQL runs with wal_level=replica"));
        start(streaming);

        Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> exitCode.get() == 2);

        assertThat(status.state()).isEqualTo(RelayState.FAILED);
        assertThat(lease.acquisitions()).isZero();
        assertThat(trace).containsExactly("check");
    }

    @Test
    void stoppingDrainsTheBatchInFlightThenStopsTheEngineThenClosesTheBroker() {
        start(streaming);
        awaitState(RelayState.STREAMING);

        supervisor.stop(Duration.ofSeconds(1));

        assertThat(trace).endsWith("await idle", "engine stopped", "broker closed");
        assertThat(status.state()).isEqualTo(RelayState.STOPPED);
        assertThat(lease.isHeld()).isFalse();
        supervisor = null;
    }

    private void start(Streaming engine) {
        supervisor = new RelaySupervisor(
                startup,
                new StandbyElection(lease, "outbox_relay", Duration.ofMillis(10)),
                engine,
                new Setbacks(CONFIG),
                new Backoff(BACKOFF, BACKOFF.multipliedBy(4)),
                status,
                stop,
                exitCode::set);
        supervisor.start();
    }

    private void awaitState(RelayState state) {
        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> status.state() == state);
    }

    /** Checks and prepares instantly, failing with the exceptions queued for it first. */
    private final class ScriptedStartup implements Startup {

        final Deque<RuntimeException> checkFailures = new ArrayDeque<>();
        final Deque<IOException> prepareFailures = new ArrayDeque<>();

        @Override
        public OutboxTableInfo check() {
            trace.add("check");
            RuntimeException failure = checkFailures.poll();
            if (failure != null) {
                throw failure;
            }
            return TABLE;
        }

        @Override
        public void prepare(OutboxTableInfo table) throws IOException {
            trace.add("prepare");
            IOException failure = prepareFailures.poll();
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void close() {
            trace.add("broker closed");
        }
    }

    /** Runs the behaviours queued for it, then streams until stopped. */
    private final class ScriptedStreaming implements Streaming {

        final Deque<java.util.function.Consumer<Listener>> runs = new java.util.concurrent.ConcurrentLinkedDeque<>();
        private final CountDownLatch stopped = new CountDownLatch(1);

        @Override
        public void run(OutboxTableInfo table, Listener listener) {
            trace.add("run");
            runStarts.add(System.nanoTime());
            java.util.function.Consumer<Listener> scripted = runs.poll();
            if (scripted != null) {
                scripted.accept(listener);
                return;
            }
            listener.streaming("slot outbox_relay on " + table.table());
            try {
                stopped.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public boolean awaitIdle(Duration timeout) {
            trace.add("await idle");
            return true;
        }

        @Override
        public void stop() {
            trace.add("engine stopped");
            stopped.countDown();
        }
    }
}
