package dev.outboxcdc.relay.retry;

import java.time.Duration;

/** Exponential backoff between reconnection attempts, doubling up to a ceiling. Not thread-safe. */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private Duration next;

    /** Creates a backoff starting at {@code initial}, never waiting longer than {@code max}. */
    public Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max.compareTo(initial) < 0 ? initial : max;
        this.next = initial;
    }

    /** The wait before the next attempt; each call doubles the following one. */
    public Duration next() {
        Duration current = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return current;
    }

    /** Starts again from the initial wait, after a success. */
    public void reset() {
        next = initial;
    }
}
