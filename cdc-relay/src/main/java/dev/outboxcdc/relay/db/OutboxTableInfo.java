package dev.outboxcdc.relay.db;

import dev.outboxcdc.relay.config.TableName;

/**
 * What the start-up checks learned about the outbox table.
 *
 * @param table     the table
 * @param hasStatus whether it has the {@code status} column of the polling design, which selects
 *                  the rows still to publish on the first start
 */
public record OutboxTableInfo(TableName table, boolean hasStatus) {}
