package dev.outboxcdc.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboxTopologyTest {

    private static final String TYPE_MISMATCH =
            "PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'outbox.dead-letter' in vhost '/':"
                    + " received the value 'quorum' of type 'longstr' but current is none";

    private final FakeRabbit rabbit = new FakeRabbit();
    private final OutboxTopology topology = new OutboxTopology("orders.events", 10, QueueType.QUORUM);

    @Test
    void declaresTheQueuesThenEachFanoutExchangeWithItsBindingThenTheEventsExchange() throws IOException {
        OutboxTopology.Declared declared = topology.declare(rabbit.connection());

        assertThat(declared).isEqualTo(new OutboxTopology.Declared(true, List.of()));
        assertThat(rabbit.calls())
                .containsExactly(
                        "queueDeclare outbox.unrouted true false false"
                                + " {x-max-length=10, x-overflow=reject-publish, x-queue-type=quorum}",
                        "queueDeclare outbox.dead-letter true false false {x-queue-type=quorum}",
                        "exchangeDeclare outbox.unrouted fanout true false {}",
                        "queueBind outbox.unrouted outbox.unrouted ''",
                        "exchangeDeclare outbox.dead-letter fanout true false {}",
                        "queueBind outbox.dead-letter outbox.dead-letter ''",
                        "exchangeDeclare orders.events topic true false {alternate-exchange=outbox.unrouted}");
        assertThat(rabbit.openChannels()).isZero();
    }

    @Test
    void describesAsDataWhatItDeclares() {
        OutboxTopology defaults = OutboxTopology.defaults();

        assertThat(defaults.exchanges())
                .containsExactly(
                        new AmqpExchange("outbox.unrouted", "fanout", Map.of()),
                        new AmqpExchange("outbox.dead-letter", "fanout", Map.of()),
                        new AmqpExchange("outbox.events", "topic", Map.of("alternate-exchange", "outbox.unrouted")));
        assertThat(defaults.queues())
                .containsExactly(
                        new AmqpQueue(
                                "outbox.unrouted",
                                Map.of(
                                        "x-max-length",
                                        1_000_000L,
                                        "x-overflow",
                                        "reject-publish",
                                        "x-queue-type",
                                        "classic")),
                        new AmqpQueue("outbox.dead-letter", Map.of("x-queue-type", "classic")));
        assertThat(defaults.bindings())
                .containsExactly(
                        new AmqpBinding("outbox.unrouted", "outbox.unrouted", ""),
                        new AmqpBinding("outbox.dead-letter", "outbox.dead-letter", ""));
    }

    @Test
    void keepsAQueueThatExistsWithTheOtherTypeAndCarriesOn() throws IOException {
        rabbit.refuse("queueDeclare outbox.dead-letter", 406, TYPE_MISMATCH);

        OutboxTopology.Declared declared = topology.declare(rabbit.connection());

        assertThat(declared.queuesOfOtherType()).containsExactly("outbox.dead-letter");
        assertThat(declared.alternateExchange()).isTrue();
        assertThat(rabbit.calls())
                .contains("queueDeclarePassive outbox.dead-letter")
                .last()
                .asString()
                .startsWith("exchangeDeclare orders.events");
        assertThat(rabbit.openChannels()).isZero();
    }

    @Test
    void aQueueWithOtherArgumentsIsAnError() {
        rabbit.refuse(
                "queueDeclare outbox.unrouted",
                406,
                "PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue 'outbox.unrouted'");

        assertThatThrownBy(() -> topology.declare(rabbit.connection()))
                .isInstanceOf(IOException.class)
                .satisfies(
                        e -> assertThat(AmqpChannels.replyText((IOException) e)).contains("x-max-length"));
        assertThat(rabbit.calls()).hasSize(1);
    }

    @Test
    void keepsAnEventsExchangeThatExistsWithoutTheAlternateExchange() throws IOException {
        rabbit.refuse(
                "exchangeDeclare orders.events",
                406,
                "PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange 'orders.events'");

        OutboxTopology.Declared declared = topology.declare(rabbit.connection());

        assertThat(declared.alternateExchange()).isFalse();
        assertThat(rabbit.calls()).endsWith("exchangeDeclarePassive orders.events");
        assertThat(rabbit.openChannels()).isZero();
    }

    @Test
    void aFanoutExchangeOfAnotherTypeIsAnErrorNamingItNotAnEventsExchangeWithoutAlternate() {
        rabbit.refuse(
                "exchangeDeclare outbox.unrouted",
                406,
                "PRECONDITION_FAILED - inequivalent arg 'type' for exchange 'outbox.unrouted' in vhost '/':"
                        + " received 'fanout' but current is 'topic'");

        assertThatThrownBy(() -> topology.declare(rabbit.connection()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exchange outbox.unrouted exists as another type")
                .hasMessageContaining("received 'fanout' but current is 'topic'");
        assertThat(rabbit.calls()).noneMatch(call -> call.contains("orders.events"));
    }

    @Test
    void anyOtherRefusalOfTheEventsExchangeIsAnError() {
        rabbit.refuse("exchangeDeclare orders.events", 403, "ACCESS_REFUSED - access to exchange 'orders.events'");

        assertThatThrownBy(() -> topology.declare(rabbit.connection()))
                .isInstanceOf(IOException.class)
                .satisfies(
                        e -> assertThat(AmqpChannels.replyText((IOException) e)).startsWith("ACCESS_REFUSED"));
        assertThat(rabbit.calls()).doesNotContain("exchangeDeclarePassive orders.events");
    }

    @Test
    void declaresTheEventsExchangeWithItsAlternateExchangeAndNoQueueForTestsAndBenchmarks() throws IOException {
        boolean alternateExchange = OutboxTopology.declareEventsExchange(rabbit.connection(), "bench.events");

        assertThat(alternateExchange).isTrue();
        assertThat(rabbit.calls())
                .containsExactly(
                        "exchangeDeclare outbox.unrouted fanout true false {}",
                        "exchangeDeclare bench.events topic true false {alternate-exchange=outbox.unrouted}");
    }

    @Test
    void refusesAnUnroutedQueueThatHoldsNothing() {
        assertThatThrownBy(() -> new OutboxTopology("outbox.events", 0, QueueType.CLASSIC))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unroutedMaxLength");
    }
}
