/**
 * The contract shared by writer, relay and consumers: the JSON envelope, its AMQP headers, the RabbitMQ topology, and
 * the batched deletion both pruning jobs use.
 */
package dev.outboxcdc.envelope;
