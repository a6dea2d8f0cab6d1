package dev.outboxcdc.consumer.spring;

import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.consumer.ConsumerMetrics;
import dev.outboxcdc.consumer.ConsumerStateListener;
import dev.outboxcdc.consumer.MicrometerConsumerMetrics;
import dev.outboxcdc.consumer.OutboxConsumer;
import dev.outboxcdc.consumer.Subscription;
import dev.outboxcdc.consumer.Transactions;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Starts an {@link OutboxConsumer} for the application's {@link Subscription} beans: each event's handler runs
 * in a Spring transaction on the application's {@link DataSource}, with the processed_events record. The
 * broker connection comes from {@code spring.rabbitmq.*} unless {@code outbox.consumer.rabbitmq-uri} is set.
 * Counts into Micrometer when a {@link MeterRegistry} exists; prunes processed_events periodically; creates it
 * at start-up with {@code outbox.consumer.initialize-schema=true}; makes the application not ready while the
 * consumer waits for its database or broker (its Actuator health is {@link OutboxConsumerHealthAutoConfiguration}).
 * Every bean backs off when the application defines its own; {@code outbox.consumer.enabled=false} switches
 * all of it off.
 */
@AutoConfiguration(
        after = {
            DataSourceAutoConfiguration.class,
            TransactionAutoConfiguration.class,
            SslAutoConfiguration.class,
            ApplicationAvailabilityAutoConfiguration.class
        },
        afterName = "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({DataSourceUtils.class, ConnectionFactory.class})
@ConditionalOnBooleanProperty(name = "outbox.consumer.enabled", matchIfMissing = true)
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBean(Subscription.class)
@EnableConfigurationProperties(OutboxConsumerProperties.class)
public class OutboxConsumerAutoConfiguration {

    /** The broker connection: {@code outbox.consumer.rabbitmq-uri}, else {@code spring.rabbitmq.*}. */
    @Bean
    @ConditionalOnMissingBean(ConnectionFactory.class)
    ConnectionFactory outboxConsumerConnectionFactory(
            OutboxConsumerProperties properties, Environment environment, ObjectProvider<SslBundles> sslBundles) {
        return ConsumerConnectionFactories.create(properties, Binder.get(environment), sslBundles.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    Transactions outboxConsumerTransactions(DataSource dataSource, PlatformTransactionManager transactionManager) {
        return new SpringTransactions(dataSource, transactionManager);
    }

    @Bean
    @ConditionalOnMissingBean
    ConsumerReadinessPublisher outboxConsumerReadiness(
            ApplicationEventPublisher publisher, ObjectProvider<ApplicationAvailability> availability) {
        return new ConsumerReadinessPublisher(publisher, availability.getIfAvailable());
    }

    /** Tells every {@link ConsumerStateListener} bean (readiness among them) of the consumer's state changes. */
    @Bean
    @ConditionalOnMissingBean
    @DependsOnDatabaseInitialization
    OutboxConsumer outboxConsumer(
            OutboxConsumerProperties properties,
            Environment environment,
            Transactions transactions,
            ConnectionFactory connectionFactory,
            ObjectProvider<Subscription> subscriptions,
            ObjectProvider<ConsumerMetrics> metrics,
            ObjectProvider<ConsumerStateListener> stateListeners) {
        List<ConsumerStateListener> listeners = stateListeners.orderedStream().toList();
        OutboxConsumer.Builder builder = OutboxConsumer.builder()
                .name(consumerName(properties, environment))
                .transactions(transactions)
                .connectionFactory(connectionFactory)
                .exchange(properties.exchange())
                .maxOutageBackoff(properties.maxOutageBackoff())
                .queueType(properties.queueTypeValue())
                .metrics(metrics.getIfAvailable(() -> ConsumerMetrics.NONE))
                .stateListener(state -> listeners.forEach(listener -> listener.changed(state)));
        subscriptions.orderedStream().forEach(builder::subscribe);
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    OutboxConsumerLifecycle outboxConsumerLifecycle(OutboxConsumer consumer, OutboxConsumerProperties properties) {
        return new OutboxConsumerLifecycle(consumer, properties.autoStartup());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    ProcessedEventsPruner processedEventsPruner(DataSource dataSource, OutboxConsumerProperties properties) {
        return new ProcessedEventsPruner(dataSource, properties.retention(), properties.pruneInterval());
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty("outbox.consumer.initialize-schema")
    ProcessedEventsSchemaInitializer processedEventsSchemaInitializer(DataSource dataSource) {
        return new ProcessedEventsSchemaInitializer(dataSource);
    }

    /** The consumer's name: {@code outbox.consumer.name}, else {@code spring.application.name}. */
    static String consumerName(OutboxConsumerProperties properties, Environment environment) {
        String name =
                properties.name() != null ? properties.name() : environment.getProperty("spring.application.name");
        if (name == null || name.isBlank()) {
            throw new IllegalStateException("Set outbox.consumer.name (or spring.application.name): it names this"
                    + " consumer's queues and its processed_events records");
        }
        return name;
    }

    /** Counts into Micrometer when the application has a registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class MicrometerMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ConsumerMetrics outboxConsumerMetrics(
                ObjectProvider<MeterRegistry> registry, OutboxConsumerProperties properties, Environment environment) {
            MeterRegistry meterRegistry = registry.getIfAvailable();
            return meterRegistry == null
                    ? ConsumerMetrics.NONE
                    : new MicrometerConsumerMetrics(meterRegistry, consumerName(properties, environment));
        }
    }
}
