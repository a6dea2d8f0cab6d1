package dev.outboxcdc.relay.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.envelope.OutboxTopology;
import dev.outboxcdc.envelope.QueueType;
import dev.outboxcdc.relay.config.OutboxProperties;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;

class TopologyTest {

    private final Connection connection = mock(Connection.class);
    private final Channel channel = mock(Channel.class);
    private final List<Map<String, Object>> declared = new ArrayList<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(Topology.class);
    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();

    TopologyTest() throws IOException {
        when(connection.createChannel()).thenReturn(channel);
        warnings.start();
        logger.addAppender(warnings);
    }

    @AfterEach
    void detachAppender() {
        logger.detachAppender(warnings);
    }

    @Test
    void declaresBothQueuesWithTheConfiguredType() throws IOException {
        recordDeclarations(null);

        boolean alternate = topology(QueueType.QUORUM).declare(connection);

        assertThat(alternate).isTrue();
        assertThat(declared)
                .hasSize(2)
                .allSatisfy(arguments -> assertThat(arguments).containsEntry("x-queue-type", "quorum"));
        assertThat(warnings.list).isEmpty();
    }

    @Test
    void keepsAQueueThatExistsWithTheOtherTypeAndCarriesOnWarningOnce() throws IOException {
        recordDeclarations(
                "PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'outbox.dead-letter' in vhost '/':"
                        + " received the value 'quorum' of type 'longstr' but current is none");
        Topology topology = topology(QueueType.QUORUM);

        boolean alternate = topology.declare(connection);
        topology.declare(connection);

        assertThat(alternate).isTrue();
        verify(channel, times(2)).queueDeclarePassive(OutboxAmqp.DEAD_LETTER);
        verify(channel, times(2)).exchangeDeclare(eq("outbox.events"), eq("topic"), eq(true), eq(false), any());
        assertThat(warnings.list)
                .singleElement()
                .extracting(ILoggingEvent::getFormattedMessage)
                .asString()
                .startsWith("Queue outbox.dead-letter exists with another type than outbox.queue-type=quorum");
    }

    @Test
    void anotherMismatchIsStillAnError() throws IOException {
        recordDeclarations("PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue 'outbox.dead-letter'");

        assertThatThrownBy(() -> topology(QueueType.QUORUM).declare(connection)).isInstanceOf(IOException.class);
    }

    @Test
    void keepsAnEventsExchangeWithoutTheAlternateExchangeAndSaysTheRelayMustRepublishReturns() throws IOException {
        when(channel.exchangeDeclare(eq("outbox.events"), anyString(), anyBoolean(), anyBoolean(), any()))
                .thenThrow(refusal("PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange"));
        Topology topology = topology(QueueType.CLASSIC);

        boolean alternate = topology.declare(connection);
        topology.declare(connection);

        assertThat(alternate).isFalse();
        verify(channel, times(2)).exchangeDeclarePassive("outbox.events");
        assertThat(warnings.list)
                .singleElement()
                .extracting(ILoggingEvent::getFormattedMessage)
                .asString()
                .startsWith("Exchange outbox.events already exists with other arguments than"
                        + " alternate-exchange=outbox.unrouted");
    }

    @Test
    void anUnroutedExchangeOfAnotherTypeIsAnErrorNotAnEventsExchangeWithoutAlternate() throws IOException {
        when(channel.exchangeDeclare(eq(OutboxAmqp.UNROUTED), anyString(), anyBoolean(), anyBoolean(), any()))
                .thenThrow(refusal("PRECONDITION_FAILED - inequivalent arg 'type' for exchange 'outbox.unrouted'"));

        assertThatThrownBy(() -> topology(QueueType.CLASSIC).declare(connection))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exchange outbox.unrouted exists as another type");
        verify(channel, never()).exchangeDeclarePassive(anyString());
        assertThat(warnings.list).isEmpty();
    }

    @Test
    void theRelaysDefaultsAreTheSharedTopologysDefaults() {
        OutboxProperties defaults = new Binder().bindOrCreate("outbox", OutboxProperties.class);

        assertThat(new OutboxTopology(defaults.exchange(), defaults.unroutedMaxLength(), defaults.queueTypeValue()))
                .isEqualTo(OutboxTopology.defaults());
    }

    private static Topology topology(QueueType type) {
        return new Topology(new TopologySettings("outbox.events", 10, type));
    }

    /** Records declarations; the dead-letter queue's fails with {@code refusal} when it is not null. */
    private void recordDeclarations(String refusal) throws IOException {
        when(channel.queueDeclare(anyString(), anyBoolean(), anyBoolean(), anyBoolean(), any()))
                .thenAnswer(invocation -> {
                    declared.add(invocation.getArgument(4));
                    if (refusal != null && invocation.getArgument(0).equals(OutboxAmqp.DEAD_LETTER)) {
                        throw refusal(refusal);
                    }
                    return null;
                });
    }

    private IOException refusal(String replyText) {
        AMQP.Channel.Close close = new AMQP.Channel.Close.Builder()
                .replyCode(406)
                .replyText(replyText)
                .build();
        return new IOException(new ShutdownSignalException(false, false, close, channel));
    }
}
