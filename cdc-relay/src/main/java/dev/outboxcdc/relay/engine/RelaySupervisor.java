package dev.outboxcdc.relay.engine;

import dev.outboxcdc.relay.config.RelayConfigurationException;
import dev.outboxcdc.relay.db.OutboxTableInfo;
import dev.outboxcdc.relay.health.RelayState;
import dev.outboxcdc.relay.health.RelayStatus;
import dev.outboxcdc.relay.publish.PublishAbortedException;
import dev.outboxcdc.relay.retry.Backoff;
import dev.outboxcdc.relay.retry.StopSignal;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the relay running. Each attempt: {@link Startup#check() check the database}, {@link StandbyElection contend
 * for the slot} (a standby waits {@code outbox.standby-retry-interval} and tries again), {@link Startup#prepare
 * prepare} (RabbitMQ, offsets, cut-over) and {@link Streaming#run stream} until the engine stops. When the database,
 * the broker or the engine fails, the next attempt follows an exponential backoff, reset once the engine streamed;
 * an error an operator must fix ends the process with exit code 2 and a message saying what to do
 * ({@link Setbacks}). The loop is steered by what each attempt returned, never by reading {@link RelayStatus} back:
 * the status is only told.
 *
 * <p>Runs on its own thread between {@link #start()} and {@link #stop}; {@code stop} lets the batch in flight finish
 * (its confirms awaited, its offsets committed) before it returns. The data path itself is
 * {@link OutboxChangeConsumer}.
 */
final class RelaySupervisor {

    /** Exit code for a configuration error. */
    static final int EXIT_CONFIGURATION_ERROR = 2;

    private static final Logger log = LoggerFactory.getLogger(RelaySupervisor.class);

    /** What follows an attempt: the supervisor's own state. */
    private enum Next {
        /** Another relay is active: try again after the standby interval. */
        STANDBY,
        /** The attempt ended (failure, or the engine stopped): try again after a backoff. */
        RETRY,
        /** The relay cannot run as configured: the process exits. */
        EXIT
    }

    private final Startup startup;
    private final StandbyElection election;
    private final Streaming engine;
    private final Setbacks setbacks;
    private final Backoff backoff;
    private final RelayStatus status;
    private final StopSignal stop;
    private final RelayExit exit;
    private Thread thread;

    /**
     * Creates the supervisor; nothing runs before {@link #start()}.
     *
     * @param backoff used by the supervising thread only
     * @param exit    called with the exit code when the relay cannot run as configured
     */
    RelaySupervisor(
            Startup startup,
            StandbyElection election,
            Streaming engine,
            Setbacks setbacks,
            Backoff backoff,
            RelayStatus status,
            StopSignal stop,
            RelayExit exit) {
        this.startup = startup;
        this.election = election;
        this.engine = engine;
        this.setbacks = setbacks;
        this.backoff = backoff;
        this.status = status;
        this.stop = stop;
        this.exit = exit;
    }

    /** Starts the supervising thread. */
    synchronized void start() {
        thread = new Thread(this::superviseUntilStopped, "outbox-relay");
        thread.start();
    }

    /** Stops reading the WAL, waits for in-flight confirms and the offset commit, then returns. */
    void stop(Duration timeout) {
        status.set(RelayState.STOPPING, "draining in-flight confirms and committing offsets");
        stop.stop();
        if (!engine.awaitIdle(timeout)) {
            log.warn("The batch in flight was not confirmed within {}; it is published again after restart", timeout);
        }
        engine.stop();
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
        startup.close();
        status.set(RelayState.STOPPED, "offsets committed");
    }

    private void superviseUntilStopped() {
        try {
            while (!stop.isStopping()) {
                Next next = attempt();
                if (next == Next.EXIT) {
                    return;
                }
                Duration pause = next == Next.STANDBY ? election.retryInterval() : backoff.next();
                if (stop.await(pause)) {
                    return;
                }
            }
        } finally {
            election.resign();
        }
    }

    private Next attempt() {
        try {
            OutboxTableInfo table = startup.check();
            switch (election.contend(stop)) {
                case STANDBY -> {
                    status.set(RelayState.STANDBY, election.standbyReason());
                    return Next.STANDBY;
                }
                case STOPPING -> {
                    return Next.RETRY; // the wait ends at once: the relay is stopping
                }
                case ACTIVE -> startup.prepare(table);
            }
            stream(table);
            if (!stop.isStopping()) {
                status.set(RelayState.RECONNECTING, "the engine stopped; restarting it");
            }
            return Next.RETRY;
        } catch (RelayConfigurationException
                | SQLException
                | IOException
                | EngineFailedException
                | PublishAbortedException e) {
            return after(setbacks.classify(e));
        } finally {
            election.resign(); // nothing when this relay is a standby: it holds no lease
        }
    }

    private void stream(OutboxTableInfo table) {
        Run run = new Run();
        try {
            engine.run(table, run);
        } finally {
            if (run.started) {
                backoff.reset();
            }
        }
    }

    private Next after(Setbacks.Setback setback) {
        switch (setback.kind()) {
            case CONFIGURATION -> {
                status.set(RelayState.FAILED, "cannot run as configured");
                log.error("cdc-relay cannot run as configured and exits: {}", setback.detail());
                exit.exit(EXIT_CONFIGURATION_ERROR);
                return Next.EXIT;
            }
            case STOPPED -> log.info("Publishing stopped: {}", setback.detail());
            case UNAVAILABLE -> status.set(RelayState.RECONNECTING, setback.detail());
        }
        return Next.RETRY;
    }

    /** Tells the status what one run of the engine reports, from the engine's threads. */
    private final class Run implements Streaming.Listener {

        private volatile boolean started;

        @Override
        public void streaming(String detail) {
            started = true;
            status.set(RelayState.STREAMING, detail);
        }

        @Override
        public void stopping(String reason) {
            status.set(RelayState.RECONNECTING, reason);
        }
    }
}
