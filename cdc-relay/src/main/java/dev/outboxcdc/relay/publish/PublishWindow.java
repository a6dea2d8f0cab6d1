package dev.outboxcdc.relay.publish;

/**
 * How many messages may be published before their confirms are awaited. Unbounded (whole batches pipelined)
 * until a publish fails; then 1, doubling after every fully confirmed window until unbounded again, like TCP's
 * slow start. Used by the publishing thread only.
 */
final class PublishWindow {

    static final int UNBOUNDED = Integer.MAX_VALUE;

    private int size = UNBOUNDED;

    /** The current window. */
    int size() {
        return size;
    }

    /** A message was nacked, or not confirmed in time: confirm one message at a time. */
    void failed() {
        size = 1;
    }

    /** Every message of a full window was confirmed: allow twice as many. */
    void confirmed() {
        size = size >= UNBOUNDED / 2 ? UNBOUNDED : size * 2;
    }
}
