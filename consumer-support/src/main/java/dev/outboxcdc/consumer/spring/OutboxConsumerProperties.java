package dev.outboxcdc.consumer.spring;

import dev.outboxcdc.consumer.OutboxConsumer;
import dev.outboxcdc.consumer.RabbitConnections;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.envelope.QueueType;
import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Spring Boot settings of consumer-support ({@code outbox.consumer.*}), validated once when bound: a bad
 * value or combination fails the start with a message naming the property to set.
 *
 * <p>The broker connection comes from {@code spring.rabbitmq.*}, as for any Spring Boot application;
 * {@code rabbitmq-uri} replaces all of it for the consumer.
 *
 * @param enabled          false switches the consumer's auto-configuration off altogether (default true)
 * @param name             the consumer's name (queue prefix and processed_events key); defaults to
 *                         {@code spring.application.name}
 * @param rabbitmqUri      an {@code amqp://} or {@code amqps://} URI that replaces {@code spring.rabbitmq.*}
 *                         for the consumer; none by default
 * @param sslBundle        a Spring SSL bundle ({@code spring.ssl.bundle.*}) holding the CA (and client key)
 *                         for an {@code amqps://} {@code rabbitmq-uri}; without it the JVM trust store is used
 * @param exchange         the events exchange (default {@value OutboxAmqp#EVENTS_EXCHANGE})
 * @param autoStartup      whether the consumer starts with the application context (default true)
 * @param initializeSchema create {@code processed_events} (idempotent DDL shipped in consumer-support) on
 *                         the application's DataSource at start-up (default false)
 * @param maxOutageBackoff longest wait between two tries while the database does not answer (default 5s)
 * @param retention        processed_events rows older than this are pruned (default 14d)
 * @param pruneInterval    how often to prune (default 1h)
 * @param queueType        the type of the queues the consumer declares: {@code classic} (default) or {@code quorum}
 *                         (replicated over a cluster); an existing queue of the other type is kept
 */
@ConfigurationProperties("outbox.consumer")
public record OutboxConsumerProperties(
        @DefaultValue("true") boolean enabled,
        String name,
        String rabbitmqUri,
        String sslBundle,
        String exchange,
        @DefaultValue("true") boolean autoStartup,
        boolean initializeSchema,
        Duration maxOutageBackoff,
        Duration retention,
        Duration pruneInterval,
        String queueType) {

    /** Default of {@code outbox.consumer.retention}. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(14);
    /** Default of {@code outbox.consumer.prune-interval}. */
    public static final Duration DEFAULT_PRUNE_INTERVAL = Duration.ofHours(1);

    /**
     * Applies the defaults and validates the combination.
     *
     * @throws IllegalArgumentException naming the property to set
     */
    public OutboxConsumerProperties {
        name = blankToNull(name);
        rabbitmqUri = blankToNull(rabbitmqUri);
        sslBundle = blankToNull(sslBundle);
        exchange = exchange == null ? OutboxAmqp.EVENTS_EXCHANGE : exchange;
        maxOutageBackoff =
                maxOutageBackoff == null ? OutboxConsumer.Builder.DEFAULT_MAX_OUTAGE_BACKOFF : maxOutageBackoff;
        retention = retention == null ? DEFAULT_RETENTION : retention;
        pruneInterval = pruneInterval == null ? DEFAULT_PRUNE_INTERVAL : pruneInterval;
        queueType = queueType == null || queueType.isBlank() ? QueueType.CLASSIC.value() : queueType.strip();
        try {
            QueueType.parse(queueType);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "outbox.consumer.queue-type=" + queueType + " is not a queue type: use" + " classic or quorum");
        }
        if (exchange.isBlank()) {
            throw new IllegalArgumentException(
                    "outbox.consumer.exchange must not be blank; leave it unset for " + OutboxAmqp.EVENTS_EXCHANGE);
        }
        if (sslBundle != null && rabbitmqUri == null) {
            throw new IllegalArgumentException(
                    "outbox.consumer.ssl-bundle only applies to outbox.consumer.rabbitmq-uri;"
                            + " the broker comes from spring.rabbitmq.*: set spring.rabbitmq.ssl.bundle=" + sslBundle
                            + " instead");
        }
        if (sslBundle != null && !rabbitmqUri.strip().toLowerCase(Locale.ROOT).startsWith("amqps://")) {
            throw new IllegalArgumentException(
                    "outbox.consumer.ssl-bundle is set, so outbox.consumer.rabbitmq-uri must be an"
                            + " amqps:// URI (TLS), not " + RabbitConnections.maskUri(rabbitmqUri));
        }
        requireBetween("max-outage-backoff", maxOutageBackoff, Duration.ofMillis(100), Duration.ofMinutes(10));
        requireBetween("retention", retention, Duration.ofMinutes(1), Duration.ofDays(3650));
        requireBetween("prune-interval", pruneInterval, Duration.ofSeconds(1), Duration.ofDays(365));
    }

    /** The parsed {@link #queueType()}. */
    public QueueType queueTypeValue() {
        return QueueType.parse(queueType);
    }

    /** Without the password of {@code rabbitmq-uri}, which a record's own toString would print. */
    @Override
    public String toString() {
        return "OutboxConsumerProperties[enabled=" + enabled + ", name=" + name + ", rabbitmqUri="
                + RabbitConnections.maskUri(rabbitmqUri) + ", sslBundle=" + sslBundle + ", exchange=" + exchange
                + ", autoStartup=" + autoStartup + ", initializeSchema=" + initializeSchema + ", maxOutageBackoff="
                + maxOutageBackoff + ", retention=" + retention + ", pruneInterval=" + pruneInterval + "]";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static void requireBetween(String property, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(
                    "outbox.consumer." + property + " must be between " + min + " and " + max + ", was " + value);
        }
    }
}
