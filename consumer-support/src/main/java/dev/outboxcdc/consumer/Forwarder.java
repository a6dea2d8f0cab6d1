package dev.outboxcdc.consumer;

import com.rabbitmq.client.AMQP;

/** Sends a copy of a delivery to another queue of the subscription (a retry queue or the DLQ). */
interface Forwarder {

    /**
     * Sends {@code body} to {@code queue} through the default exchange.
     *
     * @return true only when the broker confirmed the copy and routed it to the queue; false when it
     *     could not say so (a nack, a confirm timeout, a closed channel, a queue that could not be
     *     declared again): the caller must not ack the original then
     */
    boolean forward(String queue, AMQP.BasicProperties properties, byte[] body);
}
