package dev.outboxcdc.relay.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.envelope.QueueType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyTest {

    private final Connection connection = mock(Connection.class);
    private final Channel channel = mock(Channel.class);
    private final List<Map<String, Object>> declared = new ArrayList<>();

    TopologyTest() throws IOException {
        when(connection.createChannel()).thenReturn(channel);
    }

    @Test
    void declaresBothQueuesWithTheConfiguredType() throws IOException {
        recordDeclarations(null);

        boolean alternate =
                new Topology(new TopologySettings("outbox.events", 10, QueueType.QUORUM)).declare(connection);

        assertThat(alternate).isTrue();
        assertThat(declared)
                .hasSize(2)
                .allSatisfy(arguments -> assertThat(arguments).containsEntry("x-queue-type", "quorum"));
    }

    @Test
    void keepsAQueueThatExistsWithTheOtherTypeAndCarriesOn() throws IOException {
        recordDeclarations(
                "PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'outbox.dead-letter' in vhost '/':"
                        + " received the value 'quorum' of type 'longstr' but current is none");

        boolean alternate =
                new Topology(new TopologySettings("outbox.events", 10, QueueType.QUORUM)).declare(connection);

        assertThat(alternate).isTrue();
        verify(channel).queueDeclarePassive(OutboxAmqp.DEAD_LETTER);
        verify(channel)
                .exchangeDeclare(
                        eq("outbox.events"),
                        any(com.rabbitmq.client.BuiltinExchangeType.class),
                        eq(true),
                        eq(false),
                        any());
    }

    @Test
    void anotherMismatchIsStillAnError() throws IOException {
        recordDeclarations("PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue 'outbox.dead-letter'");

        assertThatThrownBy(() ->
                        new Topology(new TopologySettings("outbox.events", 10, QueueType.QUORUM)).declare(connection))
                .isInstanceOf(IOException.class);
    }

    /** Records declarations; the dead-letter queue's fails with {@code refusal} when it is not null. */
    private void recordDeclarations(String refusal) throws IOException {
        when(channel.queueDeclare(anyString(), anyBoolean(), anyBoolean(), anyBoolean(), any()))
                .thenAnswer(invocation -> {
                    declared.add(invocation.getArgument(4));
                    if (refusal != null && invocation.getArgument(0).equals(OutboxAmqp.DEAD_LETTER)) {
                        AMQP.Channel.Close close = new AMQP.Channel.Close.Builder()
                                .replyCode(406)
                                .replyText(refusal)
                                .build();
                        throw new IOException(new ShutdownSignalException(false, false, close, channel));
                    }
                    return null;
                });
    }
}
