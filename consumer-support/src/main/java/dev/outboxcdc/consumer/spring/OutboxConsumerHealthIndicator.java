package dev.outboxcdc.consumer.spring;

import dev.outboxcdc.consumer.ConsumerState;
import dev.outboxcdc.consumer.OutboxConsumer;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health of the application's {@link OutboxConsumer} (component {@code outboxConsumer}): UP while it runs,
 * OUT_OF_SERVICE while it waits for its database or broker, DOWN when it stopped although it was started and
 * not stopped by the application, UNKNOWN before it is started. Details: {@code state} and {@code queues}.
 * Add it to the readiness group with {@code management.endpoint.health.group.readiness.include=readinessState,outboxConsumer}.
 */
public final class OutboxConsumerHealthIndicator implements HealthIndicator {

    private final OutboxConsumer consumer;
    private final OutboxConsumerLifecycle lifecycle;

    /**
     * Reports on {@code consumer}.
     *
     * @param lifecycle what started it, to tell "stopped after start" from "not started"; may be null
     */
    public OutboxConsumerHealthIndicator(OutboxConsumer consumer, OutboxConsumerLifecycle lifecycle) {
        this.consumer = consumer;
        this.lifecycle = lifecycle;
    }

    @Override
    public Health health() {
        ConsumerState state = consumer.state();
        Health.Builder health = switch (state) {
            case RUNNING -> Health.up();
            case WAITING_FOR_DATABASE, WAITING_FOR_BROKER -> Health.outOfService();
            case STOPPED -> lifecycle != null && lifecycle.isRunning() ? Health.down() : Health.unknown();
        };
        return health.withDetail("state", state.name())
                .withDetail("queues", consumer.queues())
                .build();
    }
}
