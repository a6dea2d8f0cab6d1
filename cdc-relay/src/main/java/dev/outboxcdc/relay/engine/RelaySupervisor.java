package dev.outboxcdc.relay.engine;

import dev.outboxcdc.relay.config.OutboxProperties;
import dev.outboxcdc.relay.config.RelayConfigurationException;
import dev.outboxcdc.relay.config.Secrets;
import dev.outboxcdc.relay.db.LeaseTimeouts;
import dev.outboxcdc.relay.db.OutboxTableInfo;
import dev.outboxcdc.relay.db.PgConnections;
import dev.outboxcdc.relay.db.SlotLease;
import dev.outboxcdc.relay.db.StartupChecks;
import dev.outboxcdc.relay.envelope.MessageFactory;
import dev.outboxcdc.relay.health.RelayMetrics;
import dev.outboxcdc.relay.health.RelayState;
import dev.outboxcdc.relay.health.RelayStatus;
import dev.outboxcdc.relay.offsets.OffsetTable;
import dev.outboxcdc.relay.offsets.OffsetWriteStatus;
import dev.outboxcdc.relay.publish.BrokerSession;
import dev.outboxcdc.relay.publish.ConfirmingPublisher;
import dev.outboxcdc.relay.publish.PublishAbortedException;
import dev.outboxcdc.relay.retry.Backoff;
import dev.outboxcdc.relay.retry.StopSignal;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the relay running: checks the configuration, connects to RabbitMQ, runs the Debezium
 * engine, and when the database or the broker goes away, retries with exponential backoff. An
 * error an operator must fix ends the process with exit code 2 and a message saying what to do.
 *
 * <p>Runs on its own thread between {@link #start()} and {@link #stop()}; {@code stop()} lets the
 * batch in flight finish (its confirms awaited, its offsets committed) before it returns.
 */
public final class RelaySupervisor {

    /** Exit code for a configuration error. */
    public static final int EXIT_CONFIGURATION_ERROR = 2;

    private static final Logger log = LoggerFactory.getLogger(RelaySupervisor.class);

    private final OutboxProperties config;
    private final PgConnections connections;
    private final BrokerSession broker;
    private final ConfirmingPublisher publisher;
    private final MessageFactory messages;
    private final RelayStatus status;
    private final RelayMetrics metrics;
    private final StopSignal stop;
    private final RelayExit exit;
    private final Backoff backoff;
    private final AtomicReference<DebeziumEngine<RecordChangeEvent<SourceRecord>>> engine = new AtomicReference<>();
    private final AtomicReference<OutboxChangeConsumer> consumer = new AtomicReference<>();
    private final LeaseTimeouts leaseTimeouts;
    private final SlotLease lease;
    private Thread thread;

    /**
     * Creates the supervisor.
     *
     * @param exit called with the exit code when the relay cannot run as configured
     */
    public RelaySupervisor(
            OutboxProperties config,
            BrokerSession broker,
            ConfirmingPublisher publisher,
            RelayStatus status,
            RelayMetrics metrics,
            StopSignal stop,
            RelayExit exit) {
        this.config = config;
        this.connections = new PgConnections(config.db());
        this.broker = broker;
        this.publisher = publisher;
        this.messages =
                new MessageFactory(config.exchange(), config.maxEnvelopeSize().toBytes());
        this.status = status;
        this.metrics = metrics;
        this.stop = stop;
        this.exit = exit;
        this.backoff = new Backoff(config.retryBackoff(), config.maxRetryBackoff());
        this.leaseTimeouts = new LeaseTimeouts(config.leaseTimeout());
        this.lease = new SlotLease(connections, config.slot(), leaseTimeouts);
    }

    /** Starts the supervising thread. */
    public synchronized void start() {
        thread = new Thread(this::superviseUntilStopped, "outbox-relay");
        thread.start();
    }

    /** Stops reading the WAL, waits for in-flight confirms and the offset commit, then returns. */
    public void stop(Duration timeout) {
        status.set(RelayState.STOPPING, "draining in-flight confirms and committing offsets");
        stop.stop();
        OutboxChangeConsumer current = consumer.get();
        if (current != null && !current.awaitIdle(timeout)) {
            log.warn("The batch in flight was not confirmed within {}; it is published again after restart", timeout);
        }
        closeEngine();
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running != null && running != Thread.currentThread()) {
            try {
                running.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (running.isAlive()) {
                log.warn(
                        "The relay did not stop within {}; unconfirmed events are published again after restart",
                        timeout);
            }
        }
        broker.close();
        status.set(RelayState.STOPPED, "offsets committed");
    }

    private void superviseUntilStopped() {
        while (!stop.isStopping()) {
            try {
                OutboxTableInfo table = checkDatabase();
                if (!lease.tryAcquire()) {
                    status.set(
                            RelayState.STANDBY,
                            "another relay streams from slot " + config.slot() + "; taking over"
                                    + " when it stops (checking every "
                                    + config.standbyRetryInterval().toMillis() + " ms)");
                    if (stop.await(config.standbyRetryInterval())) {
                        return;
                    }
                    continue;
                }
                if (!lease.awaitSlotReleased(stop)) {
                    continue; // stopping
                }
                broker.connect();
                requireWritableOffsets();
                new CutOver(config, connections, messages, publisher, metrics).ensure(table);
                runEngine(table);
                if (!stop.isStopping()) {
                    status.set(RelayState.RECONNECTING, "the engine stopped; restarting it");
                }
            } catch (RelayConfigurationException e) {
                status.set(RelayState.FAILED, "cannot run as configured");
                log.error("cdc-relay cannot run as configured and exits: {}", e.getMessage());
                exit.exit(EXIT_CONFIGURATION_ERROR);
                return;
            } catch (SQLException e) {
                status.set(
                        RelayState.RECONNECTING,
                        "PostgreSQL at " + config.db().host() + ":"
                                + config.db().port() + " is unavailable: " + e.getMessage());
            } catch (IOException e) {
                status.set(
                        RelayState.RECONNECTING,
                        "RabbitMQ at " + Secrets.maskUri(config.rabbitmq().uri()) + " is unavailable: "
                                + e.getMessage());
            } catch (EngineFailedException e) {
                status.set(RelayState.RECONNECTING, e.getMessage());
            } catch (PublishAbortedException e) {
                log.info("Publishing stopped: {}", e.getMessage());
            } finally {
                if (status.state() != RelayState.STANDBY) {
                    lease.close();
                }
            }
            if (status.state() != RelayState.STANDBY && stop.await(backoff.next())) {
                return;
            }
        }
        lease.close();
    }

    /** Starts no engine (so publishes nothing) while the offsets of what it would publish could not be stored. */
    private void requireWritableOffsets() throws SQLException {
        try (Connection connection = connections.open()) {
            OffsetTable.requireWritable(connection, config.offsetTableName());
        }
    }

    private OutboxTableInfo checkDatabase() throws SQLException {
        try (Connection connection = connections.open()) {
            return new StartupChecks(config).run(connection);
        } catch (SQLException e) {
            if (PgConnections.isTransient(e)) {
                throw e;
            }
            throw new RelayConfigurationException(
                    "PostgreSQL refused the relay: " + e.getMessage().trim() + " (SQLSTATE " + e.getSQLState()
                            + "). Check OUTBOX_DB_USER, OUTBOX_DB_PASSWORD and OUTBOX_DB_NAME.");
        }
    }

    private void runEngine(OutboxTableInfo table) {
        OffsetWriteStatus offsets = OffsetWriteStatus.register(config.slot() + "-" + UUID.randomUUID());
        try {
            runEngine(table, offsets);
        } finally {
            offsets.close();
        }
    }

    private void runEngine(OutboxTableInfo table, OffsetWriteStatus offsets) {
        AtomicBoolean leaseLost = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<String> failureMessage = new AtomicReference<>();
        OutboxChangeConsumer changes = new OutboxChangeConsumer(
                DebeziumConfig.outboxTopic(table.table()),
                messages,
                publisher,
                metrics,
                config.maxBatchSize(),
                config.maxBatchBytes().toBytes(),
                stop,
                offsets,
                reason -> status.set(RelayState.RECONNECTING, reason));
        consumer.set(changes);
        DebeziumEngine<RecordChangeEvent<SourceRecord>> built = DebeziumEngine.create(
                        ChangeEventFormat.of(Connect.class))
                .using(DebeziumConfig.engineProperties(config, table, connections, offsets.key()))
                .notifying(changes)
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        if (leaseLost.get()) {
                            return;
                        }
                        backoff.reset();
                        status.set(RelayState.STREAMING, "slot " + config.slot() + " on " + table.table());
                    }
                })
                .using((success, message, error) -> {
                    if (!success) {
                        failureMessage.set(message);
                        failure.set(error);
                    }
                })
                .build();
        engine.set(built);
        if (stop.isStopping()) {
            closeEngine();
            return;
        }
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "outbox-relay-lease");
            thread.setDaemon(true);
            return thread;
        });
        watchdog.scheduleWithFixedDelay(
                () -> {
                    if (!leaseLost.get() && !lease.isHeld()) {
                        // Not ready from now on, even while the engine takes its time to stop on silent connections.
                        leaseLost.set(true);
                        status.set(
                                RelayState.RECONNECTING,
                                "lost the lease on slot " + config.slot() + "; stopping the engine");
                        closeEngine();
                    }
                },
                leaseTimeouts.checkInterval().toMillis(),
                leaseTimeouts.checkInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            built.run();
        } finally {
            watchdog.shutdownNow();
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

    private void closeEngine() {
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
