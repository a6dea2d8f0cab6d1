package dev.outboxcdc.consumer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.consumer.Subscription;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;

/** Context runners for the auto-configuration tests: no PostgreSQL or RabbitMQ is touched (auto-startup off). */
final class ConsumerContextRunners {

    private ConsumerContextRunners() {}

    /** The auto-configuration, a payroll application with one subscription, name payroll, auto-startup off. */
    static ApplicationContextRunner payroll() {
        return payroll(ConsumerContextRunners::neverConnected);
    }

    /** A DataSource of a database that is never connected to in these tests. */
    static DataSource neverConnected() {
        return new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/never-connected");
    }

    /** {@link #payroll()} on {@code dataSource}. */
    static ApplicationContextRunner payroll(Supplier<DataSource> dataSource) {
        return autoConfiguration()
                .withBean("dataSource", DataSource.class, dataSource)
                .withUserConfiguration(PayrollApplication.class);
    }

    /** Both auto-configurations and what they come after, name payroll, auto-startup off; no application beans. */
    static ApplicationContextRunner autoConfiguration() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        OutboxConsumerAutoConfiguration.class,
                        OutboxConsumerHealthAutoConfiguration.class,
                        SslAutoConfiguration.class,
                        ApplicationAvailabilityAutoConfiguration.class))
                .withPropertyValues("outbox.consumer.name=payroll", "outbox.consumer.auto-startup=false");
    }

    /** The message of the root cause of the context's start-up failure, asserting that it failed. */
    static String rootCauseMessage(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        Throwable failure = context.getStartupFailure();
        while (failure.getCause() != null) {
            failure = failure.getCause();
        }
        return failure.getMessage();
    }

    /** A transaction manager and a subscription; a test configuration, so no component scan of this package picks it up. */
    @TestConfiguration(proxyBeanMethods = false)
    static class PayrollApplication {

        @Bean
        PlatformTransactionManager transactionManager(DataSource dataSource) {
            return new DataSourceTransactionManager(dataSource);
        }

        @Bean
        Subscription employeeCreated() {
            return Subscription.to((event, connection) -> {}, "employee.created");
        }
    }
}
