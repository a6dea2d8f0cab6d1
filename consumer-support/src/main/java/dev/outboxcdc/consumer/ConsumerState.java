package dev.outboxcdc.consumer;

/**
 * What an {@link OutboxConsumer} is doing. Only {@link #RUNNING} is ready: in the other states it
 * takes no new deliveries, and nothing it holds is acked before its effect commits.
 */
public enum ConsumerState {

    /** Not started, or closed. */
    STOPPED,
    /** Consuming and handling events. */
    RUNNING,
    /**
     * The database does not answer (no connection, a broken connection, a pool timeout, SQLState
     * classes 08, 53, 57P): the deliveries in hand are held and retried with backoff, none is counted
     * as a failed attempt; handling resumes by itself when the database answers again.
     */
    WAITING_FOR_DATABASE,
    /** The broker connection is lost and being recovered; unacked deliveries are redelivered after it. */
    WAITING_FOR_BROKER
}
