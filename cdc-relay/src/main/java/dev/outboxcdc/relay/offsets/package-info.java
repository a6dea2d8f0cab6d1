/** Debezium's offsets stored in a PostgreSQL table next to the outbox, so the relay keeps no local state. */
package dev.outboxcdc.relay.offsets;
