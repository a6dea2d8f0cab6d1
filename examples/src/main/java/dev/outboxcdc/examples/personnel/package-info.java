/** Example service that writes outbox events in the same transaction as its own rows. */
package dev.outboxcdc.examples.personnel;
