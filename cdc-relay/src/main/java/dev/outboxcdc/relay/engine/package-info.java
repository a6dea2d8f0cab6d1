/** Runs the embedded Debezium engine and the relay's data path: change records in, confirmed messages out, offsets moved only past confirmed events. */
package dev.outboxcdc.relay.engine;
