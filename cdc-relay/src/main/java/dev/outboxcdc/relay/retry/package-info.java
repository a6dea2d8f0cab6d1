/** Back-off between attempts and the stop signal that interrupts them. */
package dev.outboxcdc.relay.retry;
