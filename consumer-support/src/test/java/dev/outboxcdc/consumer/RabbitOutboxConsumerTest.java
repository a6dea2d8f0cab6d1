package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.ConnectionFactory;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Start-up checks and the stop of a consumer, without a database or a broker. */
class RabbitOutboxConsumerTest {

    private final FakeTransactions database = new FakeTransactions();
    private final List<ConsumerState> states = new ArrayList<>();
    private final OutboxConsumer consumer = OutboxConsumer.builder()
            .name("payroll")
            .transactions(database)
            .connectionFactory(nothingListening())
            .stateListener(states::add)
            .subscribe(Subscription.to((event, connection) -> {}, "employee.created"))
            .subscribe(
                    Subscription.to((event, connection) -> {}, "employee.left").withPartitions(4))
            .build();

    @Test
    void aMissingProcessedEventsTableFailsTheStartSayingHowToCreateIt() {
        database.failNext(new SQLException("relation \"processed_events\" does not exist", "42P01"));

        assertThatThrownBy(consumer::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("consumer payroll needs table processed_events")
                .hasMessageContaining("dev/outboxcdc/consumer/schema/processed_events.sql")
                .hasMessageContaining("outbox.consumer.initialize-schema=true");
        assertThat(consumer.state()).isEqualTo(ConsumerState.STOPPED);
        assertThat(states).isEmpty();
    }

    @Test
    void aDatabaseThatDoesNotAnswerIsNoReasonNotToStartButABrokerThatRefusesIs() {
        database.failNext(new SQLException("Connection to 127.0.0.1:5432 refused.", "08001"));

        assertThatThrownBy(consumer::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("consumer payroll cannot start on RabbitMQ: ");
        assertThat(consumer.state()).isEqualTo(ConsumerState.STOPPED);
    }

    @Test
    void aFailedStartLeavesTheConsumerStoppedAndStartableAgain() {
        assertThatThrownBy(consumer::start).hasMessageContaining("cannot start on RabbitMQ");

        assertThatThrownBy(consumer::start)
                .as("not 'already started'")
                .hasMessageContaining("cannot start on RabbitMQ");
        assertThat(database.transactions)
                .as("the table is checked at each start")
                .hasValue(2);
    }

    @Test
    void closingAConsumerThatNeverStartedDoesNothing() {
        consumer.close();
        consumer.close();

        assertThat(consumer.state()).isEqualTo(ConsumerState.STOPPED);
        assertThat(states).isEmpty();
    }

    @Test
    void namesItsQueuesBeforeItStarts() {
        assertThat(consumer.queues()).containsExactly("payroll.employee.created", "payroll.employee.left");
        assertThat(consumer.subscriptionQueues().get(1).consumed())
                .containsExactly(
                        "payroll.employee.left.partition.0",
                        "payroll.employee.left.partition.1",
                        "payroll.employee.left.partition.2",
                        "payroll.employee.left.partition.3");
    }

    /** A factory for a port nothing listens on: connecting fails at once. */
    private static ConnectionFactory nothingListening() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(1);
        factory.setConnectionTimeout(1000);
        return factory;
    }
}
