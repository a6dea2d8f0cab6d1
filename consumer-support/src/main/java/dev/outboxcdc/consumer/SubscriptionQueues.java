package dev.outboxcdc.consumer;

import java.util.ArrayList;
import java.util.List;

/**
 * The queues one subscription of one consumer declares.
 *
 * @param main       the queue bound to the events exchange, {@code <consumer>.<first binding key>} by default; for a
 *                   partitioned subscription only the prefix of the other names (no queue has this name)
 * @param partitions {@code <main>.partition.<i>} for i = 0 … partitions - 1, or empty when not partitioned
 * @param retries    {@code <main>.retry.<n>} for n = 1 … maxAttempts - 1, in order
 * @param deadLetter {@code <main>.dlq}
 */
public record SubscriptionQueues(String main, List<String> partitions, List<String> retries, String deadLetter) {

    /** Copies the lists. */
    public SubscriptionQueues {
        partitions = List.copyOf(partitions);
        retries = List.copyOf(retries);
    }

    /** The name of partition {@code index} (0-based) of {@code main}. */
    public static String partitionQueue(String main, int index) {
        return main + ".partition." + index;
    }

    /** The consistent-hash exchange that spreads a partitioned subscription's events over its partitions. */
    public static String partitionExchange(String main) {
        return main + ".partitions";
    }

    /** The name of the retry queue an event goes to after attempt {@code failedAttempt} (1-based) failed. */
    public static String retryQueue(String main, int failedAttempt) {
        return main + ".retry." + failedAttempt;
    }

    /** The name of the dead-letter queue of {@code main}. */
    public static String deadLetterQueue(String main) {
        return main + ".dlq";
    }

    static SubscriptionQueues of(String main, RetryPolicy retry, int partitionCount) {
        List<String> retries = new ArrayList<>();
        for (int failed = 1; failed < retry.maxAttempts(); failed++) {
            retries.add(retryQueue(main, failed));
        }
        List<String> partitions = new ArrayList<>();
        for (int index = 0; partitionCount > 1 && index < partitionCount; index++) {
            partitions.add(partitionQueue(main, index));
        }
        return new SubscriptionQueues(main, partitions, retries, deadLetterQueue(main));
    }

    /** The queues events are consumed from: the main queue, or the partitions. */
    public List<String> consumed() {
        return partitions.isEmpty() ? List.of(main) : partitions;
    }

    /** Every queue: main (or the partitions), retries, dead-letter. */
    public List<String> all() {
        List<String> all = new ArrayList<>(consumed());
        all.addAll(retries);
        all.add(deadLetter);
        return List.copyOf(all);
    }
}
