package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.ConnectionFactory;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** What {@link OutboxConsumer.Builder#build()} refuses, and the message that says what to set. */
class OutboxConsumerBuilderTest {

    private static final Subscription CREATED = Subscription.to((event, connection) -> {}, "employee.created");

    @Test
    void aCompleteBuilderMakesAStoppedConsumer() {
        OutboxConsumer consumer = valid().build();

        assertThat(consumer.state()).isEqualTo(ConsumerState.STOPPED);
        assertThat(consumer.queues()).containsExactly("payroll.employee.created");
    }

    @Test
    void theNameIsRequiredAndBounded() {
        assertRefused(b -> b.name(null), "name must be 1-200 characters");
        assertRefused(b -> b.name(" "), "name must be 1-200 characters");
        assertRefused(b -> b.name("p".repeat(201)), "name must be 1-200 characters");
    }

    @Test
    void aDatabaseAndABrokerAreRequired() {
        assertRefused(
                b -> OutboxConsumer.builder()
                        .name("payroll")
                        .connectionFactory(new ConnectionFactory())
                        .subscribe(CREATED),
                "set dataSource(…) or transactions(…)");
        assertRefused(
                b -> OutboxConsumer.builder()
                        .name("payroll")
                        .transactions(new FakeTransactions())
                        .subscribe(CREATED),
                "set connectionFactory(…)");
    }

    @Test
    void aConnectionFactoryWithoutAutomaticRecoveryIsRefused() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setAutomaticRecoveryEnabled(false);

        assertRefused(b -> b.connectionFactory(factory), "automatic recovery switched off");
    }

    @Test
    void theOutageBackoffIsBetween100msAnd10min() {
        assertRefused(b -> b.maxOutageBackoff(Duration.ofMillis(99)), "maxOutageBackoff must be between");
        assertRefused(b -> b.maxOutageBackoff(Duration.ofMinutes(11)), "maxOutageBackoff must be between");
        assertThat(valid().maxOutageBackoff(Duration.ofMillis(100)).build()).isNotNull();
    }

    @Test
    void theExchangeMustNotBeBlank() {
        assertRefused(b -> b.exchange(" "), "exchange must not be blank");
        assertRefused(b -> b.exchange(null), "exchange must not be blank");
    }

    @Test
    void atLeastOneSubscriptionEachWithAQueueOfItsOwn() {
        assertRefused(
                b -> OutboxConsumer.builder()
                        .name("payroll")
                        .transactions(new FakeTransactions())
                        .connectionFactory(new ConnectionFactory()),
                "subscribe(…) to at least one event type");
        assertRefused(
                b -> b.subscribe(Subscription.to((event, connection) -> {}, "employee.created", "employee.left")),
                "two subscriptions use the same queue [payroll.employee.created, payroll.employee.created]");
    }

    private static OutboxConsumer.Builder valid() {
        return OutboxConsumer.builder()
                .name("payroll")
                .transactions(new FakeTransactions())
                .connectionFactory(new ConnectionFactory())
                .subscribe(CREATED);
    }

    private static void assertRefused(UnaryOperator<OutboxConsumer.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(valid()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
