package dev.outboxcdc.consumer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.consumer.ConsumerMetrics;
import dev.outboxcdc.consumer.MicrometerConsumerMetrics;
import dev.outboxcdc.consumer.OutboxConsumer;
import dev.outboxcdc.consumer.Subscription;
import dev.outboxcdc.envelope.QueueType;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * When the consumer's auto-configurations apply and when they stay away: a DataSource, a Subscription, the
 * libraries on the class path, Micrometer and Actuator; and how {@code outbox.consumer.*} binds. Nothing connects:
 * auto-startup is off.
 */
class OutboxConsumerAutoConfigurationConditionsTest {

    private final ApplicationContextRunner payroll = ConsumerContextRunners.payroll();

    @Test
    void withoutADataSourceNothingIsConfigured() {
        ConsumerContextRunners.autoConfiguration()
                .withBean(Subscription.class, () -> Subscription.to((event, connection) -> {}, "employee.created"))
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(OutboxConsumer.class)
                        .doesNotHaveBean(ConnectionFactory.class)
                        .doesNotHaveBean(OutboxConsumerProperties.class)
                        .doesNotHaveBean(HealthIndicator.class));
    }

    @Test
    void withoutASubscriptionNothingIsConfigured() {
        ConsumerContextRunners.autoConfiguration()
                .withBean("dataSource", DataSource.class, ConsumerContextRunners::neverConnected)
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(OutboxConsumer.class)
                        .doesNotHaveBean(ProcessedEventsPruner.class)
                        .doesNotHaveBean(HealthIndicator.class));
    }

    @Test
    void ofTwoDataSourcesItNeedsAPrimary() {
        payroll.withBean("otherDataSource", DataSource.class, ConsumerContextRunners::neverConnected)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(OutboxConsumer.class));
        payroll.withBean(
                        "otherDataSource",
                        DataSource.class,
                        ConsumerContextRunners::neverConnected,
                        definition -> definition.setPrimary(true))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(OutboxConsumer.class));
    }

    @Test
    void withoutSpringJdbcOrAmqpClientNothingIsConfigured() {
        payroll.withClassLoader(new FilteredClassLoader(DataSourceUtils.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(OutboxConsumer.class));
        payroll.withClassLoader(new FilteredClassLoader(ConnectionFactory.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(OutboxConsumer.class));
    }

    @Test
    void countsIntoTheApplicationsMeterRegistry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        payroll.withBean(MeterRegistry.class, () -> registry).run(context -> {
            ConsumerMetrics metrics = context.getBean(ConsumerMetrics.class);
            assertThat(metrics).isInstanceOf(MicrometerConsumerMetrics.class);

            metrics.handled("payroll.employee.created");

            assertThat(registry.get("outbox.consumer.events.handled")
                            .tag("consumer", "payroll")
                            .tag("queue", "payroll.employee.created")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
        });
    }

    @Test
    void withoutARegistryOrWithoutMicrometerNothingIsCounted() {
        payroll.run(
                context -> assertThat(context.getBean(ConsumerMetrics.class)).isSameAs(ConsumerMetrics.NONE));
        payroll.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(ConsumerMetrics.class)
                        .hasSingleBean(OutboxConsumer.class));
    }

    @Test
    void withoutActuatorThereIsNoHealthIndicatorButAConsumer() {
        payroll.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(OutboxConsumer.class)
                        .doesNotHaveBean("outboxConsumerHealthIndicator"));
    }

    @Test
    void theApplicationsOwnConsumerAloneGetsAHealthIndicator() {
        ConsumerContextRunners.autoConfiguration()
                .withBean(StubOutboxConsumer.class, StubOutboxConsumer::new)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(OutboxConsumerLifecycle.class);
                    HealthIndicator health = context.getBean("outboxConsumerHealthIndicator", HealthIndicator.class);
                    assertThat(health.health().getStatus()).as("not started").isEqualTo(Status.UNKNOWN);
                });
        ConsumerContextRunners.autoConfiguration()
                .withBean("first", StubOutboxConsumer.class, StubOutboxConsumer::new)
                .withBean("second", StubOutboxConsumer.class, StubOutboxConsumer::new)
                .run(context -> assertThat(context)
                        .as("which of two would it report on?")
                        .doesNotHaveBean("outboxConsumerHealthIndicator"));
    }

    @Test
    void withAutoStartupTheRefreshStartsTheConsumerWhichFailsFastWithoutABroker() {
        payroll.withPropertyValues(
                        "outbox.consumer.auto-startup=true", "outbox.consumer.rabbitmq-uri=amqp://127.0.0.1:1/%2F")
                .run(context -> assertThat(context)
                        .as("the lifecycle started it at refresh; the database not answering is no reason to fail")
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("consumer payroll cannot start on RabbitMQ")
                        .hasStackTraceContaining("Connection refused"));
    }

    @Test
    void bindsEverySettingByItsRelaxedName() {
        payroll.withPropertyValues(
                        "outbox.consumer.exchange=hr.events",
                        "outbox.consumer.max-outage-backoff=2s",
                        "outbox.consumer.retention=7d",
                        "outbox.consumer.prune-interval=30m",
                        "outbox.consumer.queue-type=quorum",
                        "outbox.consumer.rabbitmq-uri=amqp://payroll:secret@mq.internal/%2F")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    OutboxConsumerProperties properties = context.getBean(OutboxConsumerProperties.class);
                    assertThat(properties.name()).isEqualTo("payroll");
                    assertThat(properties.exchange()).isEqualTo("hr.events");
                    assertThat(properties.maxOutageBackoff()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(properties.retention()).isEqualTo(Duration.ofDays(7));
                    assertThat(properties.pruneInterval()).isEqualTo(Duration.ofMinutes(30));
                    assertThat(properties.queueTypeValue()).isEqualTo(QueueType.QUORUM);
                    assertThat(properties.autoStartup()).isFalse();
                    assertThat(context.getBean(ConnectionFactory.class).getHost())
                            .isEqualTo("mq.internal");
                });
    }

    @Test
    void eachBadSettingFailsTheStartNamingIt() {
        payroll.withPropertyValues("outbox.consumer.retention=10s")
                .run(context -> assertThat(ConsumerContextRunners.rootCauseMessage(context))
                        .isEqualTo("outbox.consumer.retention must be between PT1M and PT87600H, was PT10S"));
        payroll.withPropertyValues("outbox.consumer.prune-interval=0s")
                .run(context -> assertThat(ConsumerContextRunners.rootCauseMessage(context))
                        .startsWith("outbox.consumer.prune-interval must be between"));
        payroll.withPropertyValues("outbox.consumer.ssl-bundle=payroll-ca")
                .run(context -> assertThat(ConsumerContextRunners.rootCauseMessage(context))
                        .contains("outbox.consumer.ssl-bundle only applies to outbox.consumer.rabbitmq-uri"));
        payroll.withPropertyValues(
                        "outbox.consumer.rabbitmq-uri=amqp://payroll:s3cr3t@mq/%2F",
                        "outbox.consumer.ssl-bundle=payroll-ca")
                .run(context -> assertThat(ConsumerContextRunners.rootCauseMessage(context))
                        .contains("must be an amqps:// URI (TLS), not amqp://payroll:****@mq/%2F")
                        .doesNotContain("s3cr3t"));
    }
}
