package dev.outboxcdc.consumer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.consumer.ConsumerMetrics;
import dev.outboxcdc.consumer.OutboxConsumer;
import dev.outboxcdc.consumer.Transactions;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.DefaultResourceLoader;

/** Which beans the auto-configuration makes, which of the application's own beans it backs off for, and its switches. */
class OutboxConsumerAutoConfigurationTest {

    private final ApplicationContextRunner runner = ConsumerContextRunners.payroll();

    @Test
    void makesTheConsumerItsLifecycleConnectionTransactionsPrunerReadinessAndHealth() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(OutboxConsumer.class).queues()).containsExactly("payroll.employee.created");
            assertThat(context)
                    .hasSingleBean(OutboxConsumerLifecycle.class)
                    .hasSingleBean(ProcessedEventsPruner.class)
                    .hasSingleBean(ConsumerReadinessPublisher.class)
                    .hasBean("outboxConsumerConnectionFactory")
                    .hasBean("outboxConsumerHealthIndicator")
                    .doesNotHaveBean(ProcessedEventsSchemaInitializer.class);
            assertThat(context.getBean(Transactions.class)).isInstanceOf(SpringTransactions.class);
            assertThat(context.getBean(OutboxConsumerLifecycle.class).isAutoStartup())
                    .isFalse();
            assertThat(context.getBean(OutboxConsumerLifecycle.class).isRunning())
                    .isFalse();
        });
    }

    @Test
    void theApplicationsOwnBeansWin() {
        runner.withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(OutboxConsumer.class)).isSameAs(context.getBean("ownConsumer"));
            assertThat(context.getBean(Transactions.class)).isSameAs(context.getBean("ownTransactions"));
            assertThat(context.getBean(ConsumerMetrics.class)).isSameAs(context.getBean("ownMetrics"));
            assertThat(context.getBean(ProcessedEventsPruner.class)).isSameAs(context.getBean("ownPruner"));
            assertThat(context.getBean(OutboxConsumerLifecycle.class)).isSameAs(context.getBean("ownLifecycle"));
            assertThat(context.getBean(ConsumerReadinessPublisher.class)).isSameAs(context.getBean("ownReadiness"));
            assertThat(context.getBean("outboxConsumerHealthIndicator"))
                    .isSameAs(context.getBean(OwnBeans.class).health);
        });
    }

    @Test
    void theAutoConfiguredLifecycleStartsAndStopsTheApplicationsOwnConsumer() {
        runner.withUserConfiguration(OwnConsumer.class)
                .withPropertyValues("outbox.consumer.auto-startup=true")
                .run(context -> {
                    StubOutboxConsumer consumer = context.getBean(StubOutboxConsumer.class);
                    assertThat(consumer.starts).isEqualTo(1);
                    assertThat(context.getBean(OutboxConsumerLifecycle.class).isRunning())
                            .isTrue();
                    context.close();
                    assertThat(consumer.closes).isPositive();
                });
    }

    @Test
    void enabledFalseSwitchesEverythingOff() {
        runner.withUserConfiguration(OwnConsumer.class)
                .withPropertyValues("outbox.consumer.enabled=false")
                .run(context -> {
                    assertThat(context)
                            .hasNotFailed()
                            .doesNotHaveBean(OutboxConsumerLifecycle.class)
                            .doesNotHaveBean(ConnectionFactory.class)
                            .doesNotHaveBean(Transactions.class)
                            .doesNotHaveBean(ProcessedEventsPruner.class)
                            .doesNotHaveBean(ConsumerReadinessPublisher.class)
                            .doesNotHaveBean(ConsumerMetrics.class)
                            .doesNotHaveBean(HealthIndicator.class)
                            .doesNotHaveBean(OutboxConsumerProperties.class);
                    assertThat(context.getBeansOfType(OutboxConsumer.class))
                            .as("only the application's own")
                            .hasSize(1);
                });
        runner.withPropertyValues("outbox.consumer.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(OutboxConsumer.class));
    }

    @Test
    void aConsumerWithoutANameFailsTheStartSayingWhatToSet() {
        runner.withPropertyValues("outbox.consumer.name=").run(context -> {
            assertThat(context).hasFailed();
            assertThat(ConsumerContextRunners.rootCauseMessage(context))
                    .contains("Set outbox.consumer.name (or spring.application.name)");
        });
    }

    @Test
    void theNameDefaultsToTheApplicationName() {
        runner.withPropertyValues("outbox.consumer.name=", "spring.application.name=accounting")
                .run(context -> assertThat(context.getBean(OutboxConsumer.class).queues())
                        .containsExactly("accounting.employee.created"));
    }

    @Test
    void badPropertiesFailTheStartNamingTheProperty() {
        runner.withPropertyValues("outbox.consumer.max-outage-backoff=10ms")
                .run(context -> assertThat(ConsumerContextRunners.rootCauseMessage(context))
                        .contains("outbox.consumer.max-outage-backoff"));
        runner.withPropertyValues("outbox.consumer.exchange= ")
                .run(context -> assertThat(ConsumerContextRunners.rootCauseMessage(context))
                        .contains("outbox.consumer.exchange must not be blank"));
    }

    @Test
    void initializeSchemaRunsTheShippedProcessedEventsDdlOnTheApplicationsDataSource() {
        RecordingDataSource recording = new RecordingDataSource();
        ConsumerContextRunners.payroll(recording::dataSource)
                .withPropertyValues("outbox.consumer.initialize-schema=true")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(ProcessedEventsSchemaInitializer.class);
                    assertThat(recording.executed)
                            .anySatisfy(sql -> assertThat(sql).contains("CREATE TABLE IF NOT EXISTS processed_events"))
                            .anySatisfy(sql -> assertThat(sql)
                                    .contains("CREATE INDEX IF NOT EXISTS processed_events_processed_at_idx"));
                });
        assertThat(new DefaultResourceLoader()
                        .getResource(ProcessedEventsSchemaInitializer.SCHEMA_LOCATION)
                        .exists())
                .isTrue();
    }

    @Test
    void withoutInitializeSchemaNoDdlRuns() {
        RecordingDataSource recording = new RecordingDataSource();
        ConsumerContextRunners.payroll(recording::dataSource).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(ProcessedEventsSchemaInitializer.class);
            assertThat(recording.executed).isEmpty();
        });
    }

    @Test
    void propertiesHaveTheDocumentedDefaults() {
        OutboxConsumerProperties properties = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("outbox.consumer", OutboxConsumerProperties.class);

        assertThat(properties.enabled()).isTrue();
        assertThat(properties.autoStartup()).isTrue();
        assertThat(properties.name()).isNull();
        assertThat(properties.rabbitmqUri()).isNull();
        assertThat(properties.sslBundle()).isNull();
        assertThat(properties.exchange()).isEqualTo("outbox.events");
        assertThat(properties.initializeSchema()).isFalse();
        assertThat(properties.maxOutageBackoff()).isEqualTo(Duration.ofSeconds(5));
        assertThat(properties.retention()).isEqualTo(Duration.ofDays(14));
        assertThat(properties.pruneInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(properties.queueTypeValue()).isEqualTo(dev.outboxcdc.envelope.QueueType.CLASSIC);
    }

    @Test
    void theQueueTypeIsClassicOrQuorum() {
        runner.withPropertyValues("outbox.consumer.queue-type=Quorum")
                .run(context -> assertThat(
                                context.getBean(OutboxConsumerProperties.class).queueTypeValue())
                        .isEqualTo(dev.outboxcdc.envelope.QueueType.QUORUM));
        runner.withPropertyValues("outbox.consumer.queue-type=stream")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("outbox.consumer.queue-type=stream is not a queue type"));
    }

    @Test
    void propertiesNeverPrintThePassword() {
        OutboxConsumerProperties properties = new Binder(new MapConfigurationPropertySource(
                        Map.of("outbox.consumer.rabbitmq-uri", "amqp://payroll:s3cr3t-pw@mq/%2F")))
                .bindOrCreate("outbox.consumer", OutboxConsumerProperties.class);

        assertThat(properties.toString()).contains("amqp://payroll:****@mq/%2F").doesNotContain("s3cr3t-pw");
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class OwnConsumer {
        @Bean
        StubOutboxConsumer ownConsumer() {
            return new StubOutboxConsumer();
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class OwnBeans {
        final OutboxConsumerHealthIndicator health = new OutboxConsumerHealthIndicator(new StubOutboxConsumer(), null);

        @Bean
        StubOutboxConsumer ownConsumer() {
            return new StubOutboxConsumer();
        }

        @Bean
        Transactions ownTransactions() {
            return Transactions.jdbc(new RecordingDataSource().dataSource());
        }

        @Bean
        ConsumerMetrics ownMetrics() {
            return new ConsumerMetrics() {};
        }

        @Bean(destroyMethod = "close")
        ProcessedEventsPruner ownPruner(DataSource dataSource) {
            return new ProcessedEventsPruner(dataSource, Duration.ofDays(1), Duration.ofDays(1));
        }

        @Bean
        OutboxConsumerLifecycle ownLifecycle(StubOutboxConsumer consumer) {
            return new OutboxConsumerLifecycle(consumer, false);
        }

        @Bean
        ConsumerReadinessPublisher ownReadiness() {
            return new ConsumerReadinessPublisher(event -> {}, null);
        }

        @Bean
        OutboxConsumerHealthIndicator outboxConsumerHealthIndicator() {
            return health;
        }
    }
}
