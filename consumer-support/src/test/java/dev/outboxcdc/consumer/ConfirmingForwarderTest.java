package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A copy counts as forwarded only when the broker confirmed it and routed it to a queue. */
class ConfirmingForwarderTest {

    private static final String DLQ = "payroll.employee.created.dlq";
    private static final AMQP.BasicProperties PROPERTIES = new AMQP.BasicProperties();

    private final FakeRabbit rabbit = new FakeRabbit();
    private final List<String> declared = new ArrayList<>();
    private final ConfirmingForwarder forwarder =
            new ConfirmingForwarder(rabbit.connection, declared::add, Duration.ofSeconds(1));

    @Test
    void publishesMandatoryOnAConfirmChannelAndWaitsForTheConfirm() {
        assertThat(forwarder.forward(DLQ, PROPERTIES, new byte[0])).isTrue();

        assertThat(rabbit.last().calls)
                .containsExactly("confirmSelect", "basicPublish " + DLQ + " mandatory=true", "waitForConfirmsOrDie");
    }

    @Test
    void aReturnedCopyMeansTheQueueWasDeletedItIsDeclaredAndTheCopySentAgain() {
        rabbit.returnNext.set(1);

        assertThat(forwarder.forward(DLQ, PROPERTIES, new byte[0])).isTrue();

        assertThat(declared).containsExactly(DLQ);
        assertThat(rabbit.last().calls)
                .filteredOn(c -> c.startsWith("basicPublish"))
                .hasSize(2);
    }

    @Test
    void aCopyReturnedEvenAfterTheQueueWasDeclaredIsNotForwarded() {
        rabbit.returnNext.set(2);

        assertThat(forwarder.forward(DLQ, PROPERTIES, new byte[0])).isFalse();
        assertThat(rabbit.last().calls)
                .filteredOn(c -> c.startsWith("basicPublish"))
                .hasSize(2);
        assertThat(declared).as("after each return").containsExactly(DLQ, DLQ);
    }

    @Test
    void aNackIsNotForwardedAndTheNextCopyGoesOnANewChannel() {
        rabbit.nackNext.set(1);

        assertThat(forwarder.forward(DLQ, PROPERTIES, new byte[0])).isFalse();
        assertThat(forwarder.forward(DLQ, PROPERTIES, new byte[0])).isTrue();

        assertThat(rabbit.channels).hasSize(2);
    }

    @Test
    void withoutAFreeChannelNothingIsForwarded() {
        rabbit.refuseChannels.set(1);

        assertThat(forwarder.forward(DLQ, PROPERTIES, new byte[0])).isFalse();
        assertThat(forwarder.forward(DLQ, PROPERTIES, new byte[0])).isTrue();
    }

    @Test
    void closeAbortsTheChannelAndTheNextForwardOpensAnother() {
        forwarder.forward(DLQ, PROPERTIES, new byte[0]);

        forwarder.close();
        forwarder.forward(DLQ, PROPERTIES, new byte[0]);

        assertThat(rabbit.channels.get(0).calls).endsWith("abort");
        assertThat(rabbit.channels).hasSize(2);
    }
}
