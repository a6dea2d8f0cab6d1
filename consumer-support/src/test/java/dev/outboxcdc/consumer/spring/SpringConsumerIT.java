package dev.outboxcdc.consumer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.consumer.ConsumerState;
import dev.outboxcdc.consumer.OutboxConsumer;
import dev.outboxcdc.consumer.RabbitConnections;
import dev.outboxcdc.consumer.RetryPolicy;
import dev.outboxcdc.consumer.Subscription;
import dev.outboxcdc.envelope.EnvelopeCodec;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestServices;
import dev.outboxcdc.testsupport.UniqueNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Spring Boot payroll consumer: a Subscription bean and the usual spring.rabbitmq.* properties are all it takes;
 * its JdbcTemplate work joins the dedup transaction.
 */
@SpringBootTest(classes = SpringConsumerIT.PayrollApplication.class)
class SpringConsumerIT {

    private static final RabbitEndpoint rabbit = TestServices.rabbitmq();
    private static final String EXCHANGE = UniqueNames.of("outbox.events.test");
    private static final String NAME = UniqueNames.of("payroll");
    private static TestDatabase db;

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        db = TestServices.postgres().createDatabase();
        db.createProcessedEventsTable();
        db.execute("CREATE TABLE payroll_records (employee_event uuid NOT NULL, name text NOT NULL)");
        rabbit.declareEventsExchange(EXCHANGE);
        registry.add("spring.datasource.url", () -> db.server().jdbcUrl(db.name()));
        registry.add("spring.datasource.username", () -> db.server().user());
        registry.add("spring.datasource.password", () -> db.server().password());
        registry.add("outbox.consumer.name", () -> NAME);
        ConnectionFactory broker = RabbitConnections.fromUri(rabbit.uri());
        registry.add("spring.rabbitmq.host", broker::getHost);
        registry.add("spring.rabbitmq.port", broker::getPort);
        registry.add("spring.rabbitmq.username", broker::getUsername);
        registry.add("spring.rabbitmq.password", broker::getPassword);
        registry.add("spring.rabbitmq.virtual-host", broker::getVirtualHost);
        registry.add("outbox.consumer.exchange", () -> EXCHANGE);
    }

    @AfterAll
    static void cleanUp() {
        for (String queue : new String[] {
            NAME + ".employee.created",
            NAME + ".employee.created.dlq",
            NAME + ".employee.created.retry.1",
            NAME + ".employee.created.retry.2"
        }) {
            rabbit.deleteQueue(queue);
        }
        rabbit.deleteExchange(EXCHANGE);
        db.close();
    }

    @Autowired
    private MeterRegistry registry;

    @Autowired
    private OutboxConsumer consumer;

    @Autowired
    private ApplicationAvailability availability;

    @Autowired
    @Qualifier("outboxConsumerHealthIndicator")
    private HealthIndicator health;

    @Test
    void connectsWithSpringRabbitmqPropertiesAndIsHealthyAndReady() {
        assertThat(consumer.state()).isEqualTo(ConsumerState.RUNNING);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
    }

    @Test
    void handlesEachEventOnceWithItsJdbcTemplateWorkInTheSameTransaction() {
        UUID eventId = UUID.randomUUID();
        UUID failing = UUID.randomUUID();
        publish(eventId, "Ada");
        publish(eventId, "Ada");
        publish(failing, "FAIL");

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> counter("outbox.consumer.events.dead.lettered") == 1
                        && counter("outbox.consumer.events.handled") == 1
                        && counter("outbox.consumer.events.duplicates") == 1);
        assertThat(consumer.queues()).containsExactly(NAME + ".employee.created");
        assertThat(db.queryStrings("SELECT name FROM payroll_records"))
                .as("the failing handler's insert rolled back")
                .containsExactly("Ada");
        assertThat(counter("outbox.consumer.events.retried")).isEqualTo(2);
    }

    private double counter(String name) {
        return registry.find(name).tag("consumer", NAME).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    private static void publish(UUID eventId, String name) {
        byte[] body = EnvelopeCodec.write(
                eventId.toString(), "employee.created", Instant.now().toString(), "{\"name\": \"" + name + "\"}");
        rabbit.withChannel(channel -> channel.basicPublish(
                EXCHANGE,
                "employee.created",
                new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                body));
    }

    @SpringBootApplication
    static class PayrollApplication {

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        Subscription employeeCreated(JdbcTemplate jdbc) {
            return Subscription.to(
                            (event, connection) -> {
                                String name = event.data().get("name").textValue();
                                jdbc.update(
                                        "INSERT INTO payroll_records (employee_event, name) VALUES (?, ?)",
                                        event.eventId(),
                                        name);
                                if (name.equals("FAIL")) {
                                    throw new IllegalStateException("no salary grade for " + name);
                                }
                            },
                            "employee.created")
                    .withRetry(new RetryPolicy(3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1)));
        }
    }
}
