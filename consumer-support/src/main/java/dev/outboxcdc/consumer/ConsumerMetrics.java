package dev.outboxcdc.consumer;

/**
 * Counts what a consumer does, per queue. {@link #NONE} counts nothing; with Micrometer on the class
 * path, {@code new MicrometerConsumerMetrics(registry, consumer)} counts into a registry.
 */
public interface ConsumerMetrics {

    /** Counts nothing. */
    ConsumerMetrics NONE = new ConsumerMetrics() {};

    /** An event's effect committed. */
    default void handled(String queue) {}

    /** A delivery of an event already processed was skipped. */
    default void duplicateSkipped(String queue) {}

    /** A failed event was sent to a retry queue. */
    default void retried(String queue) {}

    /** An event was sent to the dead-letter queue. */
    default void deadLettered(String queue) {}
}
