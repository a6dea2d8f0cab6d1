package dev.outboxcdc.consumer;

/**
 * What every worker of one running consumer shares: its name, its database, where it counts and reports its
 * state, how long it waits for a database that does not answer, and the wait that ends when it stops.
 *
 * @param consumer      the consumer's name (its processed_events key)
 * @param transactions  runs each event's effect and processed_events record in one transaction
 * @param metrics       counts handled, duplicate, retried and dead-lettered events
 * @param state         told when a worker waits for the database and when it answers again
 * @param outageBackoff the waits between tries while the database does not answer
 * @param pause         waits that end early, returning false, when the consumer stops
 */
record WorkerContext(
        String consumer,
        Transactions transactions,
        ConsumerMetrics metrics,
        StateTracker state,
        Backoff outageBackoff,
        Pause pause) {}
