package dev.outboxcdc.consumer.spring;

import dev.outboxcdc.envelope.OutboxAmqp;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Spring Boot settings of consumer-support ({@code outbox.consumer.*}).
 *
 * @param name          the consumer's name (queue prefix and processed_events key); defaults to
 *                      {@code spring.application.name}
 * @param rabbitmqUri   the broker, {@code amqp://} or {@code amqps://}
 * @param exchange      the events exchange
 * @param retention     processed_events rows older than this are pruned
 * @param pruneInterval how often to prune
 */
@ConfigurationProperties("outbox.consumer")
public record OutboxConsumerProperties(
        String name,
        @DefaultValue("amqp://guest:guest@localhost:5672/%2F") String rabbitmqUri,
        @DefaultValue(OutboxAmqp.EVENTS_EXCHANGE) String exchange,
        @DefaultValue("14d") Duration retention,
        @DefaultValue("1h") Duration pruneInterval) {
}
