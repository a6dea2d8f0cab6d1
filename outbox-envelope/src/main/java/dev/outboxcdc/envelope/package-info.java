/** The contract shared by writer, relay and consumers: the JSON envelope, its AMQP headers and the RabbitMQ topology names. */
package dev.outboxcdc.envelope;
