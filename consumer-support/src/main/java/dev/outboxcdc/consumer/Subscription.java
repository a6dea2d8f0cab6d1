package dev.outboxcdc.consumer;

import java.util.List;
import java.util.Objects;

/**
 * What one consumer receives and how: the binding keys on the events exchange (e.g.
 * {@code employee.created} or {@code employee.*}), the handler, the retry policy, prefetch and
 * concurrency. Its queue is {@code <consumer>.<first binding key>} unless named explicitly; the
 * retry queues are {@code <queue>.retry.<n>} and the dead-letter queue {@code <queue>.dlq}.
 *
 * <p>With concurrency 1 the queue's events are handled one at a time in queue order (an event
 * that is retried goes back behind the ones that arrived after it).
 *
 * <p>{@link #withPartitions(int) Partitioned}, the events are spread by their {@code aggregate_id}
 * header over N queues {@code <queue>.partition.<i>} (a consistent-hash exchange {@code <queue>.partitions}
 * bound to the events exchange), each with a single active consumer: the running instances of the
 * consumer share the partitions between them, each partition handled by one worker of one instance,
 * so the events of one aggregate are handled in commit order while several instances work in parallel.
 *
 * @param queue       the queue name, or null for {@code <consumer>.<first binding key>}
 * @param bindingKeys topic binding keys, at least one
 * @param handler     the handler
 * @param retry       the retry policy
 * @param prefetch    unacknowledged deliveries per worker
 * @param concurrency workers (channels) consuming the queue; 1 when partitioned
 * @param partitions  partition queues, or 1 for one queue
 */
public record Subscription(
        String queue,
        List<String> bindingKeys,
        EventHandler handler,
        RetryPolicy retry,
        int prefetch,
        int concurrency,
        int partitions) {

    /** The most partitions of one subscription. */
    public static final int MAX_PARTITIONS = 64;

    /** Validates the subscription. */
    public Subscription {
        bindingKeys = List.copyOf(Objects.requireNonNull(bindingKeys, "bindingKeys"));
        if (bindingKeys.isEmpty() || bindingKeys.stream().anyMatch(k -> k == null || k.isBlank())) {
            throw new IllegalArgumentException("a subscription needs at least one non-blank binding key");
        }
        Objects.requireNonNull(handler, "handler of subscription " + bindingKeys);
        Objects.requireNonNull(retry, "retry");
        if (prefetch < 1 || prefetch > 65_535) {
            throw new IllegalArgumentException("prefetch must be between 1 and 65535, was " + prefetch);
        }
        if (concurrency < 1 || concurrency > 64) {
            throw new IllegalArgumentException("concurrency must be between 1 and 64, was " + concurrency);
        }
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new IllegalArgumentException(
                    "partitions must be between 1 and " + MAX_PARTITIONS + ", was " + partitions);
        }
        if (partitions > 1 && concurrency > 1) {
            throw new IllegalArgumentException(
                    "a partitioned subscription handles each partition with one worker, to keep"
                            + " each aggregate's order: scale it with more partitions and instances, not withConcurrency("
                            + concurrency + ")");
        }
    }

    /** A subscription with one queue (not partitioned). */
    public Subscription(
            String queue,
            List<String> bindingKeys,
            EventHandler handler,
            RetryPolicy retry,
            int prefetch,
            int concurrency) {
        this(queue, bindingKeys, handler, retry, prefetch, concurrency, 1);
    }

    /** Whether the events are spread over several partition queues. */
    public boolean partitioned() {
        return partitions > 1;
    }

    /** A subscription to {@code bindingKeys} with one worker, prefetch 10 and the default retry policy. */
    public static Subscription to(EventHandler handler, String... bindingKeys) {
        return new Subscription(null, List.of(bindingKeys), handler, RetryPolicy.DEFAULT, 10, 1);
    }

    /** A copy consuming the queue {@code name}. */
    public Subscription withQueue(String name) {
        return new Subscription(name, bindingKeys, handler, retry, prefetch, concurrency, partitions);
    }

    /** A copy with this retry policy. */
    public Subscription withRetry(RetryPolicy policy) {
        return new Subscription(queue, bindingKeys, handler, policy, prefetch, concurrency, partitions);
    }

    /**
     * A copy with {@code workers} workers (channels) consuming the queue, 1-64. More than one worker
     * handles the queue's events in parallel, without an order between them.
     */
    public Subscription withConcurrency(int workers) {
        return new Subscription(queue, bindingKeys, handler, retry, prefetch, workers, partitions);
    }

    /** A copy with {@code unacked} unacknowledged deliveries per worker, 1-65535. */
    public Subscription withPrefetch(int unacked) {
        return new Subscription(queue, bindingKeys, handler, retry, unacked, concurrency, partitions);
    }

    /**
     * A copy whose events are spread over {@code count} partition queues by {@code aggregate_id} (2-64; 1 for one
     * queue), each consumed by one worker of one running instance at a time. Events without an {@code aggregate_id}
     * all hash alike, so they go to one partition and are handled in order there. Choose more partitions than you
     * will run instances: an instance handles several partitions, never part of one.
     */
    public Subscription withPartitions(int count) {
        return new Subscription(queue, bindingKeys, handler, retry, prefetch, concurrency, count);
    }

    /**
     * A copy with this concurrency and prefetch.
     *
     * @deprecated two ints in an order that is easy to swap: use {@link #withConcurrency(int)} and
     *     {@link #withPrefetch(int)}
     */
    @Deprecated(forRemoval = true)
    public Subscription withWorkers(int newConcurrency, int newPrefetch) {
        return withConcurrency(newConcurrency).withPrefetch(newPrefetch);
    }

    /** The queue name for {@code consumer}. */
    public String queueFor(String consumer) {
        return queue != null ? queue : consumer + "." + bindingKeys.get(0);
    }

    /** The queues this subscription declares for {@code consumer}: main, retries, dead-letter. */
    public SubscriptionQueues queuesFor(String consumer) {
        return SubscriptionQueues.of(queueFor(consumer), retry, partitions);
    }
}
