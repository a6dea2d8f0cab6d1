package dev.outboxcdc.consumer.spring;

import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.consumer.ConsumerMetrics;
import dev.outboxcdc.consumer.MicrometerConsumerMetrics;
import dev.outboxcdc.consumer.OutboxConsumer;
import dev.outboxcdc.consumer.Subscription;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Starts an {@link OutboxConsumer} for the application's {@link Subscription} beans: each event's
 * handler runs in a Spring transaction on the application's {@link DataSource}, with the
 * processed_events record. Counts into Micrometer when a {@link MeterRegistry} exists; prunes
 * processed_events periodically. Every bean backs off when the application defines its own.
 */
@AutoConfiguration(after = {DataSourceAutoConfiguration.class, TransactionAutoConfiguration.class},
        afterName = "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({DataSourceUtils.class, ConnectionFactory.class})
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBean(Subscription.class)
@EnableConfigurationProperties(OutboxConsumerProperties.class)
public class OutboxConsumerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    OutboxConsumer outboxConsumer(OutboxConsumerProperties properties, Environment environment, DataSource dataSource,
            PlatformTransactionManager transactionManager, ObjectProvider<Subscription> subscriptions,
            ObjectProvider<ConsumerMetrics> metrics) {
        String name = properties.name() != null ? properties.name() : environment.getProperty("spring.application.name");
        if (name == null || name.isBlank()) {
            throw new IllegalStateException("Set outbox.consumer.name (or spring.application.name): it names this"
                    + " consumer's queues and its processed_events records");
        }
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(properties.rabbitmqUri());
        } catch (Exception e) {
            throw new IllegalStateException("outbox.consumer.rabbitmq-uri is not a valid AMQP URI: " + e.getMessage(), e);
        }
        List<Subscription> all = subscriptions.orderedStream().toList();
        OutboxConsumer.Builder builder = OutboxConsumer.builder().name(name)
                .transactions(new SpringTransactions(dataSource, transactionManager))
                .connectionFactory(factory)
                .exchange(properties.exchange())
                .metrics(metrics.getIfAvailable(() -> ConsumerMetrics.NONE));
        all.forEach(builder::subscribe);
        return builder.build();
    }

    @Bean
    SmartLifecycle outboxConsumerLifecycle(OutboxConsumer consumer) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                consumer.start();
                running = true;
            }

            @Override
            public void stop() {
                running = false;
                consumer.close();
            }

            @Override
            public boolean isRunning() {
                return running;
            }
        };
    }

    /** Counts into Micrometer when the application has a registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class MicrometerMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ConsumerMetrics outboxConsumerMetrics(ObjectProvider<MeterRegistry> registry, OutboxConsumerProperties properties,
                Environment environment) {
            MeterRegistry meterRegistry = registry.getIfAvailable();
            String name = properties.name() != null ? properties.name() : environment.getProperty("spring.application.name", "");
            return meterRegistry == null ? ConsumerMetrics.NONE : new MicrometerConsumerMetrics(meterRegistry, name);
        }
    }

    @Bean(destroyMethod = "close")
    ProcessedEventsPruner processedEventsPruner(DataSource dataSource, OutboxConsumerProperties properties) {
        return new ProcessedEventsPruner(dataSource, properties.retention(), properties.pruneInterval());
    }
}
