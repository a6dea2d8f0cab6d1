/** Writing outbox events with plain JDBC in the caller's transaction, and pruning published rows. */
package dev.outboxcdc.writer;
