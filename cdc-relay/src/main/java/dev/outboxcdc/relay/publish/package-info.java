/** Publishing to RabbitMQ with publisher confirms: the broker session, the topology, confirm windows, returned and refused messages. */
package dev.outboxcdc.relay.publish;
