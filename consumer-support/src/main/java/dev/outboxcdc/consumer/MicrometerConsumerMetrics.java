package dev.outboxcdc.consumer;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@link ConsumerMetrics} in a Micrometer registry: {@code outbox.consumer.events.handled},
 * {@code .duplicates}, {@code .retried} and {@code .dead.lettered}, tagged with consumer and queue
 * (Prometheus: {@code outbox_consumer_events_handled_total} and so on).
 */
public final class MicrometerConsumerMetrics implements ConsumerMetrics {

    private final MeterRegistry registry;
    private final String consumer;

    /** Counts into {@code registry} for {@code consumer}. */
    public MicrometerConsumerMetrics(MeterRegistry registry, String consumer) {
        this.registry = registry;
        this.consumer = consumer;
    }

    @Override
    public void handled(String queue) {
        count("outbox.consumer.events.handled", queue);
    }

    @Override
    public void duplicateSkipped(String queue) {
        count("outbox.consumer.events.duplicates", queue);
    }

    @Override
    public void retried(String queue) {
        count("outbox.consumer.events.retried", queue);
    }

    @Override
    public void deadLettered(String queue) {
        count("outbox.consumer.events.dead.lettered", queue);
    }

    private void count(String name, String queue) {
        registry.counter(name, "consumer", consumer, "queue", queue).increment();
    }
}
