package dev.outboxcdc.relay.publish;

/**
 * How many messages may be published before their confirms are awaited. At most {@code outbox.publish-window}
 * (whole batches pipelined by default) until a publish fails; then 1, doubling after every fully confirmed window
 * until that limit again, like TCP's slow start. Used by the publishing thread only.
 */
final class PublishWindow {

    static final int UNBOUNDED = Integer.MAX_VALUE;

    private final int max;
    private int size;

    /** A window of at most {@code max} messages; {@link ConfirmSettings#WHOLE_BATCH} for no limit. */
    PublishWindow(int max) {
        this.max = max == ConfirmSettings.WHOLE_BATCH ? UNBOUNDED : max;
        this.size = this.max;
    }

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
        size = size >= max / 2 ? max : size * 2;
    }
}
