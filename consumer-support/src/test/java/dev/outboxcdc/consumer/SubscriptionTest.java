package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The names of a subscription's queues, and the settings it refuses. */
class SubscriptionTest {

    private static final EventHandler NOTHING = (event, connection) -> {};

    @Test
    void theQueueIsTheConsumerThenTheFirstBindingKeyUnlessNamed() {
        Subscription subscription = Subscription.to(NOTHING, "employee.created", "employee.rehired");

        assertThat(subscription.queueFor("payroll")).isEqualTo("payroll.employee.created");
        assertThat(subscription.withQueue("payroll.hires").queueFor("payroll")).isEqualTo("payroll.hires");
    }

    @Test
    void declaresARetryQueuePerRetryAndADeadLetterQueue() {
        SubscriptionQueues queues = Subscription.to(NOTHING, "employee.created").queuesFor("payroll");

        assertThat(queues.main()).isEqualTo("payroll.employee.created");
        assertThat(queues.retries())
                .containsExactly("payroll.employee.created.retry.1", "payroll.employee.created.retry.2");
        assertThat(queues.deadLetter()).isEqualTo("payroll.employee.created.dlq");
        assertThat(queues.partitions()).isEmpty();
        assertThat(queues.consumed()).containsExactly("payroll.employee.created");
        assertThat(queues.all())
                .containsExactly(
                        "payroll.employee.created",
                        "payroll.employee.created.retry.1",
                        "payroll.employee.created.retry.2",
                        "payroll.employee.created.dlq");
    }

    @Test
    void aSingleAttemptHasNoRetryQueue() {
        SubscriptionQueues queues = Subscription.to(NOTHING, "employee.created")
                .withRetry(new RetryPolicy(1, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(1)))
                .queuesFor("payroll");

        assertThat(queues.retries()).isEmpty();
        assertThat(queues.all()).containsExactly("payroll.employee.created", "payroll.employee.created.dlq");
    }

    @Test
    void aPartitionedSubscriptionConsumesItsPartitionsAndNotTheMainName() {
        Subscription subscription = Subscription.to(NOTHING, "ledger.entry").withPartitions(3);
        SubscriptionQueues queues = subscription.queuesFor("books");

        assertThat(subscription.partitioned()).isTrue();
        assertThat(queues.consumed())
                .containsExactly(
                        "books.ledger.entry.partition.0",
                        "books.ledger.entry.partition.1",
                        "books.ledger.entry.partition.2");
        assertThat(queues.all()).doesNotContain("books.ledger.entry").contains("books.ledger.entry.dlq");
        assertThat(SubscriptionQueues.partitionExchange(queues.main())).isEqualTo("books.ledger.entry.partitions");
    }

    @Test
    void theCopiesKeepEverySettingButTheOneChanged() {
        Subscription subscription = Subscription.to(NOTHING, "employee.created")
                .withConcurrency(4)
                .withPrefetch(50)
                .withQueue("payroll.hires");

        assertThat(subscription.concurrency()).isEqualTo(4);
        assertThat(subscription.prefetch()).isEqualTo(50);
        assertThat(subscription.queue()).isEqualTo("payroll.hires");
        assertThat(subscription.bindingKeys()).containsExactly("employee.created");
        assertThat(subscription.retry()).isEqualTo(RetryPolicy.DEFAULT);
        assertThat(subscription.partitions()).isEqualTo(1);
    }

    @Test
    void refusesSettingsThatMakeNoSense() {
        assertThatThrownBy(() -> Subscription.to(NOTHING))
                .hasMessage("a subscription needs at least one non-blank binding key");
        assertThatThrownBy(() -> Subscription.to(NOTHING, " "))
                .hasMessage("a subscription needs at least one non-blank binding key");
        assertThatThrownBy(() -> Subscription.to(null, "employee.created")).isInstanceOf(NullPointerException.class);
        Subscription valid = Subscription.to(NOTHING, "employee.created");
        assertThatThrownBy(() -> valid.withPrefetch(0)).hasMessage("prefetch must be between 1 and 65535, was 0");
        assertThatThrownBy(() -> valid.withConcurrency(65)).hasMessage("concurrency must be between 1 and 64, was 65");
        assertThatThrownBy(() -> valid.withPartitions(65)).hasMessage("partitions must be between 1 and 64, was 65");
        assertThatThrownBy(() -> valid.withConcurrency(2).withPartitions(4))
                .hasMessageContaining("scale it with more partitions and instances, not withConcurrency(2)");
    }

    @Test
    void theBindingKeysAreCopied() {
        List<String> keys = new java.util.ArrayList<>(List.of("employee.created"));
        Subscription subscription = new Subscription(null, keys, NOTHING, RetryPolicy.DEFAULT, 10, 1);

        keys.add("employee.left");

        assertThat(subscription.bindingKeys()).containsExactly("employee.created");
    }
}
