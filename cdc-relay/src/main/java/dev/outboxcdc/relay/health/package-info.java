/** What the relay reports about itself: its state for the health endpoint, its metrics and the replication slot's lag. */
package dev.outboxcdc.relay.health;
