/** The cdc-relay application: a Spring Boot process that tails the outbox table through PostgreSQL logical replication and publishes each committed event to RabbitMQ. */
package dev.outboxcdc.relay;
