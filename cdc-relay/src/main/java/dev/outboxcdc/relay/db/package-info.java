/** The relay's own SQL: start-up checks, the slot lease that elects one active relay, cut-over and table metadata. */
package dev.outboxcdc.relay.db;
