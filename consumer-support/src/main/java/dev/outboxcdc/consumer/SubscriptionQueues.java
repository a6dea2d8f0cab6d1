package dev.outboxcdc.consumer;

import java.util.ArrayList;
import java.util.List;

/**
 * The queues one subscription of one consumer declares.
 *
 * @param main       the queue bound to the events exchange, {@code <consumer>.<first binding key>} by default
 * @param retries    {@code <main>.retry.<n>} for n = 1 … maxAttempts - 1, in order
 * @param deadLetter {@code <main>.dlq}
 */
public record SubscriptionQueues(String main, List<String> retries, String deadLetter) {

    /** Copies the list. */
    public SubscriptionQueues {
        retries = List.copyOf(retries);
    }

    /** The name of the retry queue an event goes to after attempt {@code failedAttempt} (1-based) failed. */
    public static String retryQueue(String main, int failedAttempt) {
        return main + ".retry." + failedAttempt;
    }

    /** The name of the dead-letter queue of {@code main}. */
    public static String deadLetterQueue(String main) {
        return main + ".dlq";
    }

    static SubscriptionQueues of(String main, RetryPolicy retry) {
        List<String> retries = new ArrayList<>();
        for (int failed = 1; failed < retry.maxAttempts(); failed++) {
            retries.add(retryQueue(main, failed));
        }
        return new SubscriptionQueues(main, retries, deadLetterQueue(main));
    }

    /** Every queue: main, retries, dead-letter. */
    public List<String> all() {
        List<String> all = new ArrayList<>();
        all.add(main);
        all.addAll(retries);
        all.add(deadLetter);
        return List.copyOf(all);
    }
}
