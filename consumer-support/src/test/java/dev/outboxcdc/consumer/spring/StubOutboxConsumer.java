package dev.outboxcdc.consumer.spring;

import dev.outboxcdc.consumer.ConsumerState;
import dev.outboxcdc.consumer.OutboxConsumer;
import dev.outboxcdc.consumer.SubscriptionQueues;
import java.util.List;

/** An {@link OutboxConsumer} without RabbitMQ or a database: its state is whatever the test sets. */
final class StubOutboxConsumer implements OutboxConsumer {

    volatile ConsumerState state = ConsumerState.STOPPED;
    volatile int starts;
    volatile int closes;

    @Override
    public void start() {
        starts++;
        state = ConsumerState.RUNNING;
    }

    @Override
    public List<String> queues() {
        return List.of("stub.employee.created");
    }

    @Override
    public List<SubscriptionQueues> subscriptionQueues() {
        return List.of(
                new SubscriptionQueues("stub.employee.created", List.of(), List.of(), "stub.employee.created.dlq"));
    }

    @Override
    public ConsumerState state() {
        return state;
    }

    @Override
    public List<String> deleteQueues() {
        return List.of();
    }

    @Override
    public void close() {
        closes++;
        state = ConsumerState.STOPPED;
    }
}
