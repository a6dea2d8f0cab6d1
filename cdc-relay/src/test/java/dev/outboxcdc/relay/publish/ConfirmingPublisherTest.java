package dev.outboxcdc.relay.publish;

import static dev.outboxcdc.relay.publish.FakeBroker.Outcome.ACK;
import static dev.outboxcdc.relay.publish.FakeBroker.Outcome.CLOSE_CHANNEL;
import static dev.outboxcdc.relay.publish.FakeBroker.Outcome.NACK;
import static dev.outboxcdc.relay.publish.FakeBroker.Outcome.NO_CONFIRM;
import static dev.outboxcdc.relay.publish.FakeBroker.Outcome.REFUSE;
import static dev.outboxcdc.relay.publish.FakeBroker.Outcome.RETURN_THEN_ACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.envelope.QueueType;
import dev.outboxcdc.relay.envelope.MessageFactory;
import dev.outboxcdc.relay.envelope.OutboxMessage;
import dev.outboxcdc.relay.envelope.OutboxRow;
import dev.outboxcdc.relay.health.RelayMetrics;
import dev.outboxcdc.relay.health.RelayStatus;
import dev.outboxcdc.relay.publish.FakeBroker.Sent;
import dev.outboxcdc.relay.retry.Backoff;
import dev.outboxcdc.relay.retry.StopSignal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConfirmingPublisherTest {

    private static final String EVENTS = "outbox.events.test";
    private static final MessageFactory MESSAGES = new MessageFactory(EVENTS, 1024 * 1024);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private FakeBroker broker;
    private BrokerSession session;
    private ConfirmingPublisher publisher;
    private final StopSignal stop = new StopSignal();

    private ConfirmingPublisher publisher(FakeBroker.Script script) throws Exception {
        return publisher(script, ConfirmSettings.WHOLE_BATCH);
    }

    private ConfirmingPublisher publisher(FakeBroker.Script script, int window) throws Exception {
        return publisher(script, window, new Topology(new TopologySettings(EVENTS, 1000, QueueType.CLASSIC))::declare);
    }

    private ConfirmingPublisher publisher(
            FakeBroker.Script script, int window, BrokerSession.TopologyDeclaration topology) throws Exception {
        broker = new FakeBroker(script);
        session = new BrokerSession(
                new BrokerConnector(broker.factory(), List.of(), "amqp://guest:***@localhost/"),
                topology,
                new RelayStatus(),
                new RelayMetrics(registry, new RelayStatus()),
                Duration.ofHours(1));
        publisher = new ConfirmingPublisher(
                session,
                new ConfirmSettings(Duration.ofMillis(300), window),
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(20)),
                stop,
                MESSAGES::deadLetter);
        return publisher;
    }

    @AfterEach
    void close() {
        if (session != null) {
            session.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aReturnSurvivesTheRetryOfItsBatchAndIsRepublishedToTheUnroutedExchange() throws Exception {
        publisher((exchange, id, attempt) -> {
                    if (id.equals(id(1)) && exchange.equals(EVENTS)) {
                        return RETURN_THEN_ACK;
                    }
                    return id.equals(id(2)) && attempt == 1 ? NACK : ACK;
                })
                .publish(events(3));

        assertThat(sentTo(OutboxAmqp.UNROUTED)).containsExactly(id(1));
        assertThat(unroutedCount()).isEqualTo(1.0);
    }

    @Test
    void returnsOnlyOnceRabbitMqAckedEveryMessageOfTheBatch() throws Exception {
        publisher((exchange, id, attempt) -> ACK).publish(events(5));

        assertThat(broker.trace())
                .filteredOn(line -> line.startsWith("ack "))
                .containsExactlyInAnyOrder(
                        "ack " + id(1), "ack " + id(2), "ack " + id(3), "ack " + id(4), "ack " + id(5));
    }

    @Test
    void aBatchNeverConfirmedIsAbortedFromItsFirstUnconfirmedEventWhenTheRelayStops() throws Exception {
        publisher((exchange, id, attempt) -> id.equals(id(2)) ? NO_CONFIRM : ACK);
        CompletableFuture<List<OutboxMessage>> publishing =
                CompletableFuture.supplyAsync(() -> publisher.publish(events(3)));

        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> sentTo(EVENTS).stream().filter(id(2)::equals).count() >= 2);
        stop.stop();

        assertThatThrownBy(() -> publishing.get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(PublishAbortedException.class)
                .hasMessageContaining("from event " + id(2));
    }

    @Test
    void afterAClosedChannelPublishesAgainFromTheFirstUnconfirmedEventOnANewChannel() throws Exception {
        publisher((exchange, id, attempt) -> id.equals(id(2)) && attempt == 1 ? CLOSE_CHANNEL : ACK)
                .publish(events(4));

        List<Sent> sent = broker.sent();
        assertThat(sent).extracting(Sent::id).containsExactly(id(1), id(2), id(3), id(4), id(2), id(3), id(4));
        int first = sent.get(0).channel();
        assertThat(sent.subList(0, 4)).extracting(Sent::channel).containsOnly(first);
        assertThat(sent.subList(4, 7)).extracting(Sent::channel).doesNotContain(first);
        assertThat(broker.channelOpen(first)).isFalse();
    }

    @Test
    void withoutAnAlternateExchangeReturnedEventsAreRepublishedToTheUnroutedExchangeWithoutDeclaringAgain()
            throws Exception {
        AtomicInteger declarations = new AtomicInteger();
        publisher(
                (exchange, id, attempt) -> exchange.equals(EVENTS) && id.equals(id(2)) ? RETURN_THEN_ACK : ACK,
                ConfirmSettings.WHOLE_BATCH,
                connection -> {
                    declarations.incrementAndGet();
                    return false; // the events exchange exists without outbox.unrouted as its alternate exchange
                });

        List<OutboxMessage> published = publisher.publish(events(3));

        assertThat(sentTo(EVENTS)).containsExactly(id(1), id(2), id(3));
        assertThat(sentTo(OutboxAmqp.UNROUTED)).containsExactly(id(2));
        // Re-published once the batch was confirmed, not in the middle of it.
        assertThat(broker.sent().get(3).unconfirmed()).isZero();
        assertThat(declarations).hasValue(1);
        assertThat(unroutedCount()).isEqualTo(1.0);
        assertThat(published).extracting(OutboxMessage::eventId).containsExactly(id(1), id(2), id(3));
    }

    @Test
    void afterANackPublishesFromTheNackedEventOneAtATimeThenGrowsTheWindowBack() throws Exception {
        publisher((exchange, id, attempt) -> id.equals(id(2)) && attempt == 1 ? NACK : ACK);

        publisher.publish(events(4));
        List<Sent> retry = broker.sent().subList(4, broker.sent().size());
        assertThat(retry).extracting(Sent::id).containsExactly(id(2), id(3), id(4));
        // Window 1: event 2 alone and acked before event 3 is sent; then window 2: events 3 and 4 together.
        assertThat(retry).extracting(Sent::unconfirmed).containsExactly(0, 0, 1);
        List<String> trace = broker.trace();
        assertThat(trace.lastIndexOf("ack " + id(2))).isLessThan(trace.lastIndexOf("publish " + id(3)));

        int before = broker.sent().size();
        publisher.publish(events(5, 12));
        // A window of 4, then one of 8 holding the last 4 events.
        assertThat(broker.sent().subList(before, broker.sent().size()))
                .extracting(Sent::unconfirmed)
                .containsExactly(0, 1, 2, 3, 0, 1, 2, 3);
    }

    @Test
    void withAWindowOfOneNoEventIsSentBeforeThePreviousOneIsConfirmedEvenAfterANack() throws Exception {
        publisher((exchange, id, attempt) -> id.equals(id(2)) && attempt == 1 ? NACK : ACK, 1)
                .publish(events(4));

        assertThat(broker.sent()).extracting(Sent::id).containsExactly(id(1), id(2), id(2), id(3), id(4));
        assertThat(broker.sent()).extracting(Sent::unconfirmed).containsOnly(0);
    }

    @Test
    void aWindowLimitsThePipelineAlsoWhenNothingFailed() throws Exception {
        publisher((exchange, id, attempt) -> ACK, 2).publish(events(5));

        assertThat(broker.sent()).extracting(Sent::unconfirmed).containsExactly(0, 1, 0, 1, 0);
    }

    @Test
    void aWholeBatchIsPipelinedWhenNothingFailed() throws Exception {
        publisher((exchange, id, attempt) -> ACK).publish(events(5));

        assertThat(broker.sent()).extracting(Sent::unconfirmed).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aMessageNotConfirmedInTimeIsPublishedAgain() throws Exception {
        publisher((exchange, id, attempt) -> id.equals(id(2)) && attempt == 1 ? NO_CONFIRM : ACK)
                .publish(events(3));

        assertThat(broker.sent()).extracting(Sent::id).containsExactly(id(1), id(2), id(3), id(2), id(3));
    }

    @Test
    void aRefusedMessageIsDeadLetteredInPlaceOnAFreshChannelAndTheBatchGoesOn() throws Exception {
        publisher((exchange, id, attempt) -> id.equals(id(2)) && exchange.equals(EVENTS) ? REFUSE : ACK);

        List<OutboxMessage> published = publisher.publish(events(3));

        assertThat(broker.sent())
                .extracting(Sent::exchange, Sent::id)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(EVENTS, id(1)),
                        org.assertj.core.groups.Tuple.tuple(OutboxAmqp.DEAD_LETTER, id(2)),
                        org.assertj.core.groups.Tuple.tuple(EVENTS, id(3)));
        int first = broker.sent().get(0).channel();
        assertThat(broker.sent().get(1).channel()).isNotEqualTo(first);
        assertThat(broker.channelOpen(first)).isFalse();
        assertThat(published).extracting(OutboxMessage::eventId).containsExactly(id(1), id(2), id(3));
        assertThat(published.get(1).isDeadLetter()).isTrue();
        assertThat(published.get(1).deadLetterReason()).startsWith("RabbitMQ client refused the message: Short string");
        assertThat(published
                        .get(1)
                        .properties()
                        .getHeaders()
                        .get(OutboxAmqp.HEADER_ERROR)
                        .toString())
                .startsWith("RabbitMQ client refused the message");
        assertThat(published.get(0).isDeadLetter()).isFalse();
    }

    @Test
    void aRefusedDeadLetterBecomesAMinimalOneWithTheEventIdAndTheReason() throws Exception {
        publisher((exchange, id, attempt) ->
                id.equals(id(2)) && (exchange.equals(EVENTS) || attempt == 1) ? REFUSE : ACK);

        List<OutboxMessage> published = publisher.publish(events(3));

        assertThat(sentTo(OutboxAmqp.DEAD_LETTER)).containsExactly(id(2));
        JsonNode body = MAPPER.readTree(published.get(1).body());
        assertThat(body.get("event_id").textValue()).isEqualTo(id(2));
        assertThat(body.get("error").textValue()).startsWith("RabbitMQ client refused the message");
        assertThat(published.get(1).isDeadLetter()).isTrue();
        assertThat(broker.sent()).extracting(Sent::id).endsWith(id(3));
    }

    @Test
    void aReturnFromTheUnroutedExchangeDeclaresTheQueueAgainAndIsPublishedAgain() throws Exception {
        publisher((exchange, id, attempt) -> exchange.equals(EVENTS) || attempt == 1 ? RETURN_THEN_ACK : ACK)
                .publish(events(1));

        assertThat(sentTo(OutboxAmqp.UNROUTED)).containsExactly(id(1), id(1));
        // At connect, after the events exchange's return (its alternate exchange had no queue) and after the second
        // return.
        assertThat(broker.queueDeclarations())
                .filteredOn(d -> d.startsWith(OutboxAmqp.UNROUTED + " "))
                .hasSize(3)
                .allSatisfy(d -> assertThat(d)
                        .contains("x-max-length=1000", "x-overflow=reject-publish", "x-queue-type=classic"));
        assertThat(unroutedCount()).isEqualTo(1.0);
    }

    @Test
    void aReturnFromTheDeadLetterExchangeDeclaresTheQueueAgainAndIsPublishedAgain() throws Exception {
        OutboxMessage deadLetter = MESSAGES.deadLetter(row(1), "payload is not valid JSON");
        publisher((exchange, id, attempt) -> attempt == 1 ? RETURN_THEN_ACK : ACK)
                .publish(List.of(deadLetter));

        assertThat(sentTo(OutboxAmqp.DEAD_LETTER)).containsExactly(id(1), id(1));
        assertThat(broker.queueDeclarations())
                .filteredOn(d -> d.startsWith(OutboxAmqp.DEAD_LETTER + " "))
                .containsExactly(
                        OutboxAmqp.DEAD_LETTER + " {x-queue-type=classic}",
                        OutboxAmqp.DEAD_LETTER + " {x-queue-type=classic}");
        assertThat(unroutedCount()).isZero();
    }

    private List<String> sentTo(String exchange) {
        return broker.sent().stream()
                .filter(s -> s.exchange().equals(exchange))
                .map(Sent::id)
                .toList();
    }

    private double unroutedCount() {
        return registry.get("outbox.relay.events.unrouted").counter().count();
    }

    private static List<OutboxMessage> events(int count) {
        return events(1, count);
    }

    private static List<OutboxMessage> events(int first, int last) {
        return IntStream.rangeClosed(first, last)
                .mapToObj(n -> MESSAGES.toMessage(row(n)))
                .toList();
    }

    private static OutboxRow row(int n) {
        return new OutboxRow(
                "row-" + n,
                id(n),
                true,
                "test.event",
                "{\"n\":" + n + "}",
                true,
                "2026-01-01T00:00:00Z",
                null,
                null,
                null,
                0L);
    }

    private static String id(int n) {
        return String.format("00000000-0000-0000-0000-%012d", n);
    }
}
