package dev.outboxcdc.consumer;

import dev.outboxcdc.envelope.Envelope;
import java.sql.Connection;

/**
 * Applies one event's business effect. Called at most once per (consumer, event id) with a
 * committed effect: inside the transaction that also records the event as processed.
 */
@FunctionalInterface
public interface EventHandler {

    /**
     * Handles {@code event}.
     *
     * @param event      the event
     * @param connection the connection of the transaction the effect must be written in; do not
     *                   commit, roll back or close it
     * @throws Exception to roll the transaction back and retry the event later
     */
    void handle(Envelope event, Connection connection) throws Exception;
}
