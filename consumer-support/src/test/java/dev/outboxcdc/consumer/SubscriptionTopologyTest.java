package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.outboxcdc.envelope.QueueType;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

class SubscriptionTopologyTest {

    private static final RetryPolicy TWO_RETRIES =
            new RetryPolicy(3, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1));
    private static final EventHandler HANDLER = (event, connection) -> {};
    private static final Map<String, Object> CLASSIC = Map.of("x-queue-type", "classic");

    private final Connection connection = mock(Connection.class);
    private final Channel channel = mock(Channel.class);
    private final Broker broker = new Broker(new ConnectionFactory(), List.of(), "outbox.events", QueueType.CLASSIC);
    /** Unique per test: the class warns once per queue name and JVM. */
    private final String queue = "payroll-" + UUID.randomUUID();

    SubscriptionTopologyTest() throws IOException {
        when(connection.createChannel()).thenReturn(channel);
        when(channel.isOpen()).thenReturn(true);
    }

    @Test
    void declaresTheEventsExchangeTheBoundQueueItsRetryQueuesAndItsDeadLetterQueue() throws IOException {
        Subscription subscription =
                Subscription.to(HANDLER, "employee.created", "employee.updated").withRetry(TWO_RETRIES);

        SubscriptionTopology.declare(connection, broker, queue, subscription);

        InOrder order = inOrder(channel);
        order.verify(channel)
                .exchangeDeclare(
                        "outbox.events", "topic", true, false, Map.of("alternate-exchange", "outbox.unrouted"));
        order.verify(channel).queueDeclare(queue, true, false, false, CLASSIC);
        order.verify(channel).queueBind(queue, "outbox.events", "employee.created");
        order.verify(channel).queueBind(queue, "outbox.events", "employee.updated");
        order.verify(channel).queueDeclare(queue + ".retry.1", true, false, false, retryQueue(1000L));
        order.verify(channel).queueDeclare(queue + ".retry.2", true, false, false, retryQueue(2000L));
        order.verify(channel).queueDeclare(queue + ".dlq", true, false, false, CLASSIC);
        verify(channel, never()).exchangeDeclarePassive(anyString());
    }

    @Test
    void spreadsAPartitionedSubscriptionOverSingleActiveConsumerQueuesByAggregateId() throws IOException {
        Subscription subscription = Subscription.to(HANDLER, "employee.*")
                .withRetry(new RetryPolicy(2, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1)))
                .withPartitions(2);
        Map<String, Object> singleActive = Map.of("x-single-active-consumer", true, "x-queue-type", "classic");

        SubscriptionTopology.declare(connection, broker, queue, subscription);

        String partitions = queue + ".partitions";
        InOrder order = inOrder(channel);
        order.verify(channel)
                .exchangeDeclare(partitions, "x-consistent-hash", true, false, Map.of("hash-header", "aggregate_id"));
        order.verify(channel).queueDeclare(queue + ".partition.0", true, false, false, singleActive);
        order.verify(channel).queueDeclare(queue + ".partition.1", true, false, false, singleActive);
        order.verify(channel).queueBind(queue + ".partition.0", partitions, "1");
        order.verify(channel).queueBind(queue + ".partition.1", partitions, "1");
        order.verify(channel).exchangeBind(partitions, "outbox.events", "employee.*");
        order.verify(channel)
                .queueDeclare(
                        queue + ".retry.1",
                        true,
                        false,
                        false,
                        Map.of(
                                "x-message-ttl",
                                1000L,
                                "x-dead-letter-exchange",
                                partitions,
                                "x-queue-type",
                                "classic"));
        verify(channel, never()).queueDeclare(eq(queue), anyBoolean(), anyBoolean(), anyBoolean(), any());
    }

    @Test
    void aMissingConsistentHashPluginIsNamed() throws IOException {
        when(channel.exchangeDeclare(anyString(), eq("x-consistent-hash"), anyBoolean(), anyBoolean(), any()))
                .thenThrow(refusal(503, "COMMAND_INVALID - unknown exchange type 'x-consistent-hash'"));

        assertThatThrownBy(() -> SubscriptionTopology.declare(
                        connection,
                        broker,
                        queue,
                        Subscription.to(HANDLER, "employee.*").withPartitions(2)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("rabbitmq-plugins enable rabbitmq_consistent_hash_exchange")
                .hasMessageContaining("unknown exchange type");
    }

    @Test
    void keepsAQueueThatExistsWithTheOtherTypeAndCarriesOn() throws IOException {
        when(channel.queueDeclare(eq(queue), anyBoolean(), anyBoolean(), anyBoolean(), any()))
                .thenThrow(refusal(
                        406,
                        "PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue '" + queue + "' in vhost '/':"
                                + " received the value 'classic' of type 'longstr' but current is 'quorum'"));

        SubscriptionTopology.declare(connection, broker, queue, Subscription.to(HANDLER, "employee.created"));

        verify(channel).queueDeclarePassive(queue);
        verify(channel).queueBind(queue, "outbox.events", "employee.created");
        verify(channel).queueDeclare(queue + ".dlq", true, false, false, CLASSIC);
    }

    @Test
    void aRetryQueueWithOtherArgumentsSaysToDeleteTheConsumersQueues() throws IOException {
        when(channel.queueDeclare(eq(queue + ".retry.1"), anyBoolean(), anyBoolean(), anyBoolean(), any()))
                .thenThrow(refusal(406, "PRECONDITION_FAILED - inequivalent arg 'x-message-ttl'"));

        assertThatThrownBy(() -> SubscriptionTopology.declare(
                        connection, broker, queue, Subscription.to(HANDLER, "employee.created")))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(
                        "queue " + queue + ".retry.1 exists with other arguments (a changed retry policy?)")
                .hasMessageContaining("inequivalent arg 'x-message-ttl'");
    }

    @Test
    void usesAnEventsExchangeThatExistsWithOtherArgumentsAsItIs() throws IOException {
        when(channel.exchangeDeclare(eq("outbox.events"), anyString(), anyBoolean(), anyBoolean(), any()))
                .thenThrow(refusal(406, "PRECONDITION_FAILED - inequivalent arg 'alternate-exchange'"));

        SubscriptionTopology.declare(connection, broker, queue, Subscription.to(HANDLER, "employee.created"));

        verify(channel).exchangeDeclarePassive("outbox.events");
        verify(channel).queueBind(queue, "outbox.events", "employee.created");
    }

    @Test
    void quorumRetryQueuesDeadLetterAtLeastOnce() {
        Subscription subscription = Subscription.to(HANDLER, "employee.created").withRetry(TWO_RETRIES);

        assertThat(SubscriptionTopology.retryArguments(QueueType.QUORUM, "payroll", 2, subscription))
                .isEqualTo(Map.of(
                        "x-message-ttl", 2000L,
                        "x-dead-letter-exchange", "",
                        "x-dead-letter-routing-key", "payroll",
                        "x-dead-letter-strategy", "at-least-once",
                        "x-overflow", "reject-publish"));
    }

    @Test
    void redeclaresOnlyARetryOrTheDeadLetterQueueOfTheSubscription() throws IOException {
        Subscription subscription = Subscription.to(HANDLER, "employee.created").withRetry(TWO_RETRIES);

        SubscriptionTopology.redeclare(connection, QueueType.CLASSIC, queue, subscription, queue + ".retry.2");

        verify(channel).queueDeclare(queue + ".retry.2", true, false, false, retryQueue(2000L));
        assertThatThrownBy(() -> SubscriptionTopology.redeclare(
                        connection, QueueType.CLASSIC, queue, subscription, queue + ".retry.3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a retry or dead-letter queue of " + queue);
    }

    @Test
    void deletesTheQueuesThatExist() throws IOException {
        when(channel.queueDeclarePassive("missing")).thenThrow(refusal(404, "NOT_FOUND - no queue 'missing'"));

        List<String> deleted = SubscriptionTopology.delete(connection, List.of("present", "missing"));

        assertThat(deleted).containsExactly("present");
        verify(channel).queueDelete("present");
        verify(channel, never()).queueDelete("missing");
    }

    private Map<String, Object> retryQueue(long ttl) {
        return Map.of(
                "x-message-ttl",
                ttl,
                "x-dead-letter-exchange",
                "",
                "x-dead-letter-routing-key",
                queue,
                "x-queue-type",
                "classic");
    }

    private IOException refusal(int code, String text) {
        AMQP.Channel.Close close =
                new AMQP.Channel.Close.Builder().replyCode(code).replyText(text).build();
        return new IOException(new ShutdownSignalException(false, false, close, channel));
    }
}
