package dev.outboxcdc.relay.publish;

import java.time.Duration;

/**
 * How the publisher waits for RabbitMQ's confirms.
 *
 * @param timeout   how long to wait for the confirms of a window before publishing it again
 * @param maxWindow the most messages published before their confirms are awaited; {@link #WHOLE_BATCH} pipelines
 *                  whole batches, 1 confirms each message before the next is sent, so that a nack can never let
 *                  an event be routed before one committed ahead of it
 */
public record ConfirmSettings(Duration timeout, int maxWindow) {

    /** {@code maxWindow} value: no limit but the batch. */
    public static final int WHOLE_BATCH = 0;

    /** Validates the settings. */
    public ConfirmSettings {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("confirm timeout must be positive: " + timeout);
        }
        if (maxWindow < 0) {
            throw new IllegalArgumentException("publish window must be 0 (whole batch) or positive: " + maxWindow);
        }
    }
}
