/** Turns an outbox row into the AMQP message of the standard envelope, or into a dead letter saying why it cannot be one. */
package dev.outboxcdc.relay.envelope;
