package dev.outboxcdc.bench;

import java.util.List;

/** One consumer of the consumer phase: drains a pre-filled queue and reports every settled delivery. */
interface ConsumerUnderTest {

    /** For the table, e.g. {@code hand-written}. */
    String label();

    /** For {@code --consumers=}, one of {@link ConsumerPhaseOptions#CONSUMERS}. */
    String key();

    /** Unacknowledged deliveries per channel. */
    int prefetch();

    /** Whether each delivery writes the effect and the processed_events record (false: it only acks). */
    boolean writes();

    /**
     * Starts consuming {@code queue}; every delivery whose effect committed and that was acked calls
     * {@link Progress#done()}, a failure {@link Progress#fail}. Closing the result stops consuming.
     */
    AutoCloseable start(String queue, Progress progress) throws Exception;

    /** The queues consuming {@code queue} declared, {@code queue} first, for the clean-up. */
    default List<String> queues(String queue) {
        return List.of(queue);
    }
}
