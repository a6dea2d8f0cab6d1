package dev.outboxcdc.consumer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.consumer.ConsumerState;
import dev.outboxcdc.consumer.OutboxConsumer;
import dev.outboxcdc.consumer.RabbitConnections;
import dev.outboxcdc.consumer.Subscription;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestServices;
import dev.outboxcdc.testsupport.UniqueNames;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The auto-configured consumer starting for real: schema initialisation on an empty database, and a broker address list. */
class SpringConsumerStartupIT {

    private final RabbitEndpoint rabbit = TestServices.rabbitmq();
    private final TestDatabase db = TestServices.postgres().createDatabase();
    private final String name = UniqueNames.of("payroll");
    private final String exchange = UniqueNames.of("outbox.events.test");

    @AfterEach
    void cleanUp() {
        rabbit.deleteQueue(name + ".employee.created");
        rabbit.deleteQueue(name + ".employee.created.dlq");
        rabbit.deleteQueue(name + ".employee.created.retry.1");
        rabbit.deleteQueue(name + ".employee.created.retry.2");
        rabbit.deleteExchange(exchange);
        db.close();
    }

    @Test
    void initializeSchemaCreatesProcessedEventsInAnEmptyDatabaseBeforeTheConsumerStarts() {
        assertThat(processedEventsTables()).isZero();
        ApplicationContextRunner runner = consumer().withPropertyValues("outbox.consumer.initialize-schema=true");

        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(OutboxConsumer.class).state()).isEqualTo(ConsumerState.RUNNING);
            assertThat(processedEventsTables()).isOne();
            assertThat(db.queryLong(
                            "SELECT count(*) FROM pg_indexes WHERE indexname = 'processed_events_processed_at_idx'"))
                    .isOne();
        });
        runner.run(context ->
                assertThat(context).as("the DDL runs again harmlessly").hasNotFailed());
    }

    @Test
    void withSeveralAddressesTheConsumerConnectsToOneThatAnswers() throws IOException {
        db.createProcessedEventsTable();
        ConnectionFactory broker = RabbitConnections.fromUri(rabbit.uri());
        String addresses = "127.0.0.1:" + closedPort() + "," + broker.getHost() + ":" + broker.getPort();

        consumer().withPropertyValues("spring.rabbitmq.addresses=" + addresses).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(OutboxConsumer.class).state()).isEqualTo(ConsumerState.RUNNING);
        });
    }

    /** A consumer auto-configured on the test database and broker, started with the context. */
    private ApplicationContextRunner consumer() {
        ConnectionFactory broker = RabbitConnections.fromUri(rabbit.uri());
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class,
                        TransactionAutoConfiguration.class,
                        OutboxConsumerAutoConfiguration.class))
                .withBean(Subscription.class, () -> Subscription.to((event, connection) -> {}, "employee.created"))
                .withPropertyValues(
                        "spring.datasource.url=" + db.server().jdbcUrl(db.name()),
                        "spring.datasource.username=" + db.server().user(),
                        "spring.datasource.password=" + db.server().password(),
                        "spring.rabbitmq.host=" + broker.getHost(),
                        "spring.rabbitmq.port=" + broker.getPort(),
                        "spring.rabbitmq.username=" + broker.getUsername(),
                        "spring.rabbitmq.password=" + broker.getPassword(),
                        "spring.rabbitmq.virtual-host=" + broker.getVirtualHost(),
                        "outbox.consumer.name=" + name,
                        "outbox.consumer.exchange=" + exchange);
    }

    private long processedEventsTables() {
        return db.queryLong("SELECT count(*) FROM information_schema.tables WHERE table_name = 'processed_events'");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
