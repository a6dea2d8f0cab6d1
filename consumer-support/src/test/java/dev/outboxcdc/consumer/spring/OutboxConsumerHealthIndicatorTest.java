package dev.outboxcdc.consumer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.consumer.ConsumerState;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

class OutboxConsumerHealthIndicatorTest {

    private final StubOutboxConsumer consumer = new StubOutboxConsumer();
    private final OutboxConsumerLifecycle lifecycle = new OutboxConsumerLifecycle(consumer, true);
    private final OutboxConsumerHealthIndicator indicator = new OutboxConsumerHealthIndicator(consumer, lifecycle);

    @Test
    void upWhileRunningWithTheStateAndQueues() {
        lifecycle.start();

        Health health = indicator.health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails())
                .containsEntry("state", "RUNNING")
                .containsEntry("queues", List.of("stub.employee.created"));
    }

    @Test
    void outOfServiceWhileWaitingForTheDatabaseOrTheBroker() {
        lifecycle.start();

        consumer.state = ConsumerState.WAITING_FOR_DATABASE;
        assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(indicator.health().getDetails()).containsEntry("state", "WAITING_FOR_DATABASE");
        consumer.state = ConsumerState.WAITING_FOR_BROKER;
        assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
    }

    @Test
    void downWhenStoppedAfterAStartTheApplicationDidNotStop() {
        lifecycle.start();
        consumer.state = ConsumerState.STOPPED;

        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void unknownBeforeTheStartAndAfterTheApplicationStoppedIt() {
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UNKNOWN);
        lifecycle.start();
        lifecycle.stop();
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UNKNOWN);
    }
}
