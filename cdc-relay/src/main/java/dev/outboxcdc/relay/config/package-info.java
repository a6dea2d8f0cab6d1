/** The relay's {@code outbox.*} configuration, validated at start-up with messages that say what to set. */
package dev.outboxcdc.relay.config;
