package dev.outboxcdc.relay.health;

import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's current state and broker connectivity, read by the health endpoint. Each change is
 * logged once at INFO (WARN for trouble): repeated attempts in the same state log nothing more.
 * Thread-safe.
 */
public final class RelayStatus {

    private static final Logger log = LoggerFactory.getLogger(RelayStatus.class);

    private final AtomicReference<RelayState> state = new AtomicReference<>(RelayState.STARTING);
    private final AtomicReference<Boolean> brokerConnected = new AtomicReference<>(false);

    /** The current state. */
    public RelayState state() {
        return state.get();
    }

    /** Whether the relay is streaming and connected to RabbitMQ. */
    public boolean isReady() {
        return state.get() == RelayState.STREAMING && brokerConnected.get();
    }

    /** Whether the broker connection is open. */
    public boolean isBrokerConnected() {
        return brokerConnected.get();
    }

    /** Moves to {@code next}; logs {@code detail} when the state actually changes. */
    public void set(RelayState next, String detail) {
        RelayState previous = state.getAndSet(next);
        if (previous != next) {
            if (next == RelayState.RECONNECTING || next == RelayState.FAILED) {
                log.warn("Relay {} -> {}: {}", previous, next, detail);
            } else {
                log.info("Relay {} -> {}: {}", previous, next, detail);
            }
        }
    }

    /** Records the broker connection state; logs when it changes. */
    public void brokerConnected(boolean connected, String detail) {
        Boolean previous = brokerConnected.getAndSet(connected);
        if (previous != connected) {
            if (connected) {
                log.info("RabbitMQ connected: {}", detail);
            } else {
                log.warn("RabbitMQ disconnected: {}", detail);
            }
        }
    }
}
