package dev.outboxcdc.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class AmqpChannelsTest {

    @Test
    void readsTheReplyOfAChannelCloseOnly() {
        IOException refused = new IOException(new ShutdownSignalException(
                false,
                false,
                new AMQP.Channel.Close.Builder()
                        .replyCode(406)
                        .replyText("PRECONDITION_FAILED - inequivalent arg")
                        .build(),
                null));
        IOException connectionLost = new IOException(new ShutdownSignalException(
                true,
                false,
                new AMQP.Connection.Close.Builder()
                        .replyCode(406)
                        .replyText("PRECONDITION_FAILED - connection")
                        .build(),
                null));

        assertThat(AmqpChannels.isPreconditionFailed(refused)).isTrue();
        assertThat(AmqpChannels.replyText(refused)).isEqualTo("PRECONDITION_FAILED - inequivalent arg");
        assertThat(AmqpChannels.isPreconditionFailed(connectionLost)).isFalse();
        assertThat(AmqpChannels.replyText(new IOException("socket closed"))).isNull();
    }

    @Test
    void closesAnOwnChannelEvenWhenTheWorkFails() {
        FakeRabbit rabbit = new FakeRabbit();

        assertThatThrownBy(() -> AmqpChannels.onOwnChannel(rabbit.connection(), channel -> {
                    throw new IOException("failed");
                }))
                .hasMessage("failed");

        assertThat(rabbit.channelsOpened()).isEqualTo(1);
        assertThat(rabbit.openChannels()).isZero();
    }
}
