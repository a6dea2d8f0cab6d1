/** Consuming outbox events with exactly-once effect: idempotency record and handler in one transaction, ack after commit, retries and dead letters. */
package dev.outboxcdc.consumer;
