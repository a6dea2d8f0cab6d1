package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Delivery;
import dev.outboxcdc.envelope.EnvelopeCodec;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The routing of one delivery between ack, in-place retry, retry queue, DLQ and requeue, without a broker or a database. */
class DeliveryProcessorTest {

    private static final String QUEUE = "payroll.employee.created";
    private static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1));

    private final FakeTransactions database = new FakeTransactions();
    private final List<String> settled = new ArrayList<>();
    private final List<String> forwardedTo = new ArrayList<>();
    private final List<AMQP.BasicProperties> forwardedProperties = new ArrayList<>();
    private final Deque<Boolean> forwardResults = new ArrayDeque<>();
    private final List<Duration> pauses = new ArrayList<>();
    private final List<String> counted = new ArrayList<>();
    private final List<ConsumerState> states = new ArrayList<>();
    private final StateTracker tracker = new StateTracker("payroll", states::add);
    private final AtomicInteger handlerCalls = new AtomicInteger();
    private final Deque<RuntimeException> handlerFailures = new ArrayDeque<>();
    private boolean stopping;
    private boolean channelClosed;
    private long nextTag = 1;

    private final DeliveryProcessor processor = new DeliveryProcessor(
            new WorkerContext(
                    "payroll",
                    database,
                    new ConsumerMetrics() {
                        @Override
                        public void handled(String queue) {
                            counted.add("handled " + queue);
                        }

                        @Override
                        public void duplicateSkipped(String queue) {
                            counted.add("duplicate " + queue);
                        }

                        @Override
                        public void retried(String queue) {
                            counted.add("retried " + queue);
                        }

                        @Override
                        public void deadLettered(String queue) {
                            counted.add("dead-lettered " + queue);
                        }
                    },
                    tracker,
                    new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5)),
                    duration -> {
                        pauses.add(duration);
                        return !stopping;
                    }),
            QUEUE,
            Subscription.to(
                            (event, connection) -> {
                                handlerCalls.incrementAndGet();
                                if (!handlerFailures.isEmpty()) {
                                    throw handlerFailures.poll();
                                }
                            },
                            "employee.created")
                    .withRetry(RETRY),
            new DeliveryProcessor.Acks() {
                @Override
                public void ack(long deliveryTag) {
                    if (channelClosed) {
                        throw new com.rabbitmq.client.AlreadyClosedException(
                                new com.rabbitmq.client.ShutdownSignalException(true, false, null, null));
                    }
                    settled.add("ack " + deliveryTag);
                }

                @Override
                public void requeue(long deliveryTag) {
                    settled.add("requeue " + deliveryTag);
                }
            },
            (queue, properties, body) -> {
                forwardedTo.add(queue);
                forwardedProperties.add(properties);
                return forwardResults.isEmpty() || forwardResults.poll();
            });

    DeliveryProcessorTest() {
        tracker.started();
        states.clear();
    }

    @Test
    void acksAfterTheEffectCommittedAndSkipsTheHandlerForADuplicate() throws Exception {
        UUID eventId = UUID.randomUUID();

        processor.process(delivery(eventId, 1));
        processor.process(delivery(eventId, 1));

        assertThat(settled).containsExactly("ack 1", "ack 2");
        assertThat(handlerCalls).hasValue(1);
        assertThat(database.processed).containsExactly(eventId);
        assertThat(forwardedTo).isEmpty();
    }

    @Test
    void aDatabaseThatDoesNotAnswerHoldsTheDeliveryAndRetriesItWithBackoffWithoutCountingAnAttempt() throws Exception {
        UUID eventId = UUID.randomUUID();
        database.failNext(
                new SQLTransientConnectionException(
                        "pool - Connection is not available, request timed out after 1000ms"),
                new SQLException("Connection to 127.0.0.1:5432 refused.", "08001"),
                new SQLException("terminating connection due to administrator command", "57P01"),
                new SQLException("the database system is starting up", "57P03"));

        processor.process(delivery(eventId, 1));

        assertThat(settled).containsExactly("ack 1");
        assertThat(forwardedTo)
                .as("nothing retried through queues or dead-lettered")
                .isEmpty();
        assertThat(handlerCalls).hasValue(1);
        assertThat(database.processed).containsExactly(eventId);
        assertThat(pauses).hasSize(4);
        assertThat(pauses.get(3))
                .isGreaterThanOrEqualTo(Duration.ofMillis(400))
                .isLessThanOrEqualTo(Duration.ofMillis(800));
        assertThat(states).containsExactly(ConsumerState.WAITING_FOR_DATABASE, ConsumerState.RUNNING);
    }

    @Test
    void aBrokenConnectionAtCommitIsAnOutageToo() throws Exception {
        handlerFailures.add(new IllegalStateException(
                "insert failed", new SQLException("An I/O error occurred while sending to the backend.", "08006")));

        processor.process(delivery(UUID.randomUUID(), 1));

        assertThat(handlerCalls).hasValue(2);
        assertThat(settled).containsExactly("ack 1");
        assertThat(forwardedTo).isEmpty();
    }

    @Test
    void anAckThatFailsOnALostChannelIsNotAHandlerFailure() {
        UUID eventId = UUID.randomUUID();
        channelClosed = true;

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> processor.process(delivery(eventId, 1)))
                .isInstanceOf(com.rabbitmq.client.AlreadyClosedException.class);

        assertThat(forwardedTo)
                .as("not retried: the effect committed, the redelivery is a duplicate")
                .isEmpty();
        assertThat(database.processed).containsExactly(eventId);
    }

    @Test
    void stoppingDuringAnOutageLeavesTheDeliveryUnsettledForRedelivery() throws Exception {
        database.failNext(new SQLException("Connection refused", "08001"));
        stopping = true;

        processor.process(delivery(UUID.randomUUID(), 1));

        assertThat(settled).isEmpty();
        assertThat(forwardedTo).isEmpty();
        assertThat(database.processed).isEmpty();
    }

    @Test
    void conflictsAreRetriedInPlaceAFewTimesThenCountAsAnAttempt() throws Exception {
        database.failNext(
                new SQLException("could not serialize access", "40001"),
                new SQLException("deadlock detected", "40P01"));
        processor.process(delivery(UUID.randomUUID(), 1));
        assertThat(settled).containsExactly("ack 1");
        assertThat(forwardedTo).isEmpty();

        for (int i = 0; i <= DeliveryProcessor.CONFLICT_RETRIES; i++) {
            database.failNext(new SQLException("deadlock detected", "40P01"));
        }
        processor.process(delivery(UUID.randomUUID(), 1));
        assertThat(forwardedTo).containsExactly(QUEUE + ".retry.1");
        assertThat(settled).containsExactly("ack 1", "ack 2");
    }

    @Test
    void aHandlerFailureGoesToTheNextRetryQueueThenTheDlqWithTheAttemptAndError() throws Exception {
        UUID eventId = UUID.randomUUID();
        handlerFailures.add(new IllegalArgumentException("employee has no contract"));
        handlerFailures.add(new IllegalArgumentException("employee has no contract"));
        handlerFailures.add(new IllegalArgumentException("employee has no contract"));

        processor.process(delivery(eventId, 1));
        processor.process(delivery(eventId, 2));
        processor.process(delivery(eventId, 3));

        assertThat(forwardedTo).containsExactly(QUEUE + ".retry.1", QUEUE + ".retry.2", QUEUE + ".dlq");
        assertThat(forwardedProperties)
                .extracting(p -> p.getHeaders().get(ConsumerHeaders.ATTEMPT))
                .containsExactly(2, 3, 3);
        assertThat(forwardedProperties.get(2).getHeaders().get(ConsumerHeaders.ERROR))
                .isEqualTo("java.lang.IllegalArgumentException: employee has no contract");
        assertThat(settled).containsExactly("ack 1", "ack 2", "ack 3");
        assertThat(database.processed).as("the failed attempts rolled back").isEmpty();
    }

    @Test
    void aBodyThatIsNotAnEnvelopeGoesToTheDlqAtOnce() throws Exception {
        processor.process(new Delivery(
                new com.rabbitmq.client.Envelope(1, false, "outbox.events", "employee.created"),
                new AMQP.BasicProperties(),
                "not json".getBytes(StandardCharsets.UTF_8)));

        assertThat(forwardedTo).containsExactly(QUEUE + ".dlq");
        assertThat(forwardedProperties
                        .get(0)
                        .getHeaders()
                        .get(ConsumerHeaders.ERROR)
                        .toString())
                .startsWith("invalid envelope: ");
        assertThat(handlerCalls).hasValue(0);
    }

    @Test
    void theOriginalIsAckedOnlyAfterTheCopyWasConfirmedAndRouted() throws Exception {
        handlerFailures.add(new IllegalStateException("busy"));
        forwardResults.addAll(List.of(false, false, true));

        processor.process(delivery(UUID.randomUUID(), 1));

        assertThat(forwardedTo).containsExactly(QUEUE + ".retry.1", QUEUE + ".retry.1", QUEUE + ".retry.1");
        assertThat(settled).containsExactly("ack 1");
        assertThat(pauses).hasSize(2).allSatisfy(p -> assertThat(p).isGreaterThanOrEqualTo(Duration.ofMillis(250)));
    }

    @Test
    void aCopyThatCannotBeForwardedRequeuesTheOriginalAfterABackoffThatGrows() throws Exception {
        for (int round = 1; round <= 2; round++) {
            handlerFailures.add(new IllegalStateException("busy"));
            forwardResults.addAll(List.of(false, false, false));
            processor.process(delivery(UUID.randomUUID(), 1));
        }

        assertThat(settled).containsExactly("requeue 1", "requeue 2");
        assertThat(pauses).hasSize(2 * DeliveryMover.FORWARD_TRIES);
        assertThat(pauses.get(5))
                .as("the sixth consecutive failure waits 8-16 s")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(8));
        assertThat(pauses.stream().mapToLong(Duration::toMillis).sum()).isGreaterThan(10_000);
    }

    @Test
    void countsEachOutcomeOnItsQueue() throws Exception {
        UUID eventId = UUID.randomUUID();
        processor.process(delivery(eventId, 1));
        processor.process(delivery(eventId, 1));
        handlerFailures.add(new IllegalStateException("busy"));
        processor.process(delivery(UUID.randomUUID(), 1));
        handlerFailures.add(new IllegalStateException("busy"));
        processor.process(delivery(UUID.randomUUID(), 3));

        assertThat(counted)
                .containsExactly(
                        "handled " + QUEUE, "duplicate " + QUEUE, "retried " + QUEUE, "dead-lettered " + QUEUE);
    }

    @Test
    void theCopyKeepsTheOriginalHeadersAndFirstRoutingKeyAndIsPersistent() throws Exception {
        handlerFailures.add(new IllegalStateException("busy"));
        handlerFailures.add(new IllegalStateException("busy"));
        byte[] body =
                EnvelopeCodec.write(UUID.randomUUID().toString(), "employee.created", "2026-12-07T10:00:00Z", "{}");
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .messageId("m-1")
                .headers(Map.of("traceparent", "00-abc-01", "aggregate_id", "42"))
                .build();

        processor.process(new Delivery(
                new com.rabbitmq.client.Envelope(1, false, "outbox.events", "employee.created"), properties, body));
        AMQP.BasicProperties firstCopy = forwardedProperties.get(0);
        processor.process(new Delivery(new com.rabbitmq.client.Envelope(2, false, "", QUEUE), firstCopy, body));

        AMQP.BasicProperties secondCopy = forwardedProperties.get(1);
        assertThat(secondCopy.getMessageId()).isEqualTo("m-1");
        assertThat(secondCopy.getDeliveryMode()).isEqualTo(2);
        assertThat(secondCopy.getHeaders())
                .containsEntry("traceparent", "00-abc-01")
                .containsEntry("aggregate_id", "42")
                .containsEntry(ConsumerHeaders.CONSUMER, "payroll")
                .containsEntry(ConsumerHeaders.ATTEMPT, 3)
                .as("the routing key it was first published with, not the retry queue's")
                .containsEntry(ConsumerHeaders.ROUTING_KEY, "employee.created");
        assertThat(forwardedTo).containsExactly(QUEUE + ".retry.1", QUEUE + ".retry.2");
    }

    @Test
    void aBodyThatIsNotAnEnvelopeAndCannotBeDeadLetteredIsRequeued() throws Exception {
        forwardResults.addAll(List.of(false, false, false));

        processor.process(new Delivery(
                new com.rabbitmq.client.Envelope(1, false, "outbox.events", "employee.created"),
                new AMQP.BasicProperties(),
                "{}".getBytes(StandardCharsets.UTF_8)));

        assertThat(forwardedTo).containsOnly(QUEUE + ".dlq").hasSize(DeliveryMover.FORWARD_TRIES);
        assertThat(settled).containsExactly("requeue 1");
        assertThat(counted).isEmpty();
    }

    @Test
    void stoppingWhileACopyCannotBeForwardedLeavesTheOriginalUnsettled() throws Exception {
        handlerFailures.add(new IllegalStateException("busy"));
        forwardResults.add(false);
        stopping = true;

        processor.process(delivery(UUID.randomUUID(), 1));

        assertThat(forwardedTo).containsExactly(QUEUE + ".retry.1");
        assertThat(settled).isEmpty();
        assertThat(counted).isEmpty();
    }

    private Delivery delivery(UUID eventId, int attempt) {
        byte[] body = EnvelopeCodec.write(
                eventId.toString(), "employee.created", "2026-12-07T10:00:00Z", "{\"name\":\"Ada\"}");
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .headers(attempt == 1 ? null : Map.of(ConsumerHeaders.ATTEMPT, attempt))
                .build();
        return new Delivery(
                new com.rabbitmq.client.Envelope(nextTag++, false, "outbox.events", "employee.created"),
                properties,
                body);
    }
}
