package dev.outboxcdc.relay.engine;

/** Ends the process when the relay cannot run as configured; tests replace it to observe the code. */
@FunctionalInterface
public interface RelayExit {

    /** Exits with {@code code}; must not block the calling thread. */
    void exit(int code);
}
