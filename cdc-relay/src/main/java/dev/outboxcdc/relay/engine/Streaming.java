package dev.outboxcdc.relay.engine;

import dev.outboxcdc.relay.db.OutboxTableInfo;
import java.time.Duration;

/**
 * Streaming from the slot, as the supervisor sees it: {@link EngineRunner} outside tests. {@link #run} runs on the
 * supervisor's thread; {@link #awaitIdle} and {@link #stop} are called from the thread that stops the relay.
 */
interface Streaming {

    /** What a run tells the supervisor while it runs; called from the engine's threads. */
    interface Listener {

        /** The engine streams from the slot; {@code detail} says which slot and table. */
        void streaming(String detail);

        /** The engine is being stopped for {@code reason} and will not be ready again in this run. */
        void stopping(String reason);
    }

    /**
     * Streams from the slot into RabbitMQ until the engine stops: returns when it stopped because the relay is
     * stopping (or stopped on its own without an error).
     *
     * @throws EngineFailedException when the engine failed, or was stopped because the lease was lost
     */
    void run(OutboxTableInfo table, Listener listener);

    /**
     * Waits until no batch is in flight; called after the stop signal, so none starts.
     *
     * @return whether the batch in flight, if any, finished within {@code timeout}
     */
    boolean awaitIdle(Duration timeout);

    /** Stops the engine of the current run, if any; {@link #run} then returns. */
    void stop();
}
