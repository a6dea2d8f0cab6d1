package dev.outboxcdc.consumer;

import java.time.Duration;

/** A wait that ends early when the consumer stops. */
@FunctionalInterface
interface Pause {

    /**
     * Waits {@code duration}.
     *
     * @return false when the consumer is stopping: give up the delivery in hand without settling it
     */
    boolean sleep(Duration duration);
}
