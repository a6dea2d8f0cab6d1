package dev.outboxcdc.consumer.spring;

import dev.outboxcdc.consumer.OutboxConsumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Health component {@code outboxConsumer} ({@link OutboxConsumerHealthIndicator}) when Spring Boot Actuator is on
 * the class path and the application has one {@link OutboxConsumer}, auto-configured or its own.
 */
@AutoConfiguration(after = OutboxConsumerAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBooleanProperty(name = "outbox.consumer.enabled", matchIfMissing = true)
@ConditionalOnSingleCandidate(OutboxConsumer.class)
public class OutboxConsumerHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "outboxConsumerHealthIndicator")
    OutboxConsumerHealthIndicator outboxConsumerHealthIndicator(
            OutboxConsumer consumer, ObjectProvider<OutboxConsumerLifecycle> lifecycle) {
        return new OutboxConsumerHealthIndicator(consumer, lifecycle.getIfUnique());
    }
}
