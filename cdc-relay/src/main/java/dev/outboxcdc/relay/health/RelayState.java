package dev.outboxcdc.relay.health;

/** Where the relay is in its life; readiness is {@link #STREAMING} with the broker connected. */
public enum RelayState {
    /** Checking the configuration and connecting for the first time. */
    STARTING,
    /** Reading the WAL and publishing. */
    STREAMING,
    /** Lost the database or the broker; retrying with backoff. */
    RECONNECTING,
    /** Another relay holds the slot; waiting to take over. */
    STANDBY,
    /** Draining in-flight confirms and committing offsets before exit. */
    STOPPING,
    /** Stopped. */
    STOPPED,
    /** Cannot run as configured; the process exits. */
    FAILED
}
