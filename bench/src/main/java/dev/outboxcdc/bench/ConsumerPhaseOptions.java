package dev.outboxcdc.bench;

import java.util.List;
import java.util.Set;

/**
 * What the consumer phase measures.
 *
 * @param events    events each consumer drains per round
 * @param rounds    rounds, the consumers interleaved in each
 * @param consumers the consumers to measure ({@link #CONSUMERS}); all by default
 */
record ConsumerPhaseOptions(int events, int rounds, Set<String> consumers) {

    /**
     * The consumers the phase can measure: acks only; hand-written at consumer-support's default prefetch
     * and at Spring AMQP's; consumer-support with 1, 2 and 4 workers.
     */
    static final List<String> CONSUMERS =
            List.of("raw", "hand-written", "hand-written-250", "support-1", "support-2", "support-4");

    ConsumerPhaseOptions {
        if (events < 1 || rounds < 1) {
            throw new IllegalArgumentException("--consumer-events and --rounds must be at least 1");
        }
        consumers = Set.copyOf(consumers);
    }

    boolean measures(String consumer) {
        return consumers.contains(consumer);
    }
}
