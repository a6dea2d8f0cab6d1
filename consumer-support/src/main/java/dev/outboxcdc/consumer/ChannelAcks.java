package dev.outboxcdc.consumer;

import com.rabbitmq.client.Channel;
import java.io.IOException;

/** Settles the deliveries of one channel: an ack, or a nack that requeues. */
record ChannelAcks(Channel channel) implements DeliveryProcessor.Acks {

    @Override
    public void ack(long deliveryTag) throws IOException {
        channel.basicAck(deliveryTag, false);
    }

    @Override
    public void requeue(long deliveryTag) throws IOException {
        channel.basicNack(deliveryTag, false, true);
    }
}
