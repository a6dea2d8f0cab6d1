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
 * @param queue       the queue name, or null for {@code <consumer>.<first binding key>}
 * @param bindingKeys topic binding keys, at least one
 * @param handler     the handler
 * @param retry       the retry policy
 * @param prefetch    unacknowledged deliveries per worker
 * @param concurrency workers (channels) consuming the queue
 */
public record Subscription(String queue, List<String> bindingKeys, EventHandler handler, RetryPolicy retry, int prefetch,
        int concurrency) {

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
    }

    /** A subscription to {@code bindingKeys} with one worker, prefetch 10 and the default retry policy. */
    public static Subscription to(EventHandler handler, String... bindingKeys) {
        return new Subscription(null, List.of(bindingKeys), handler, RetryPolicy.DEFAULT, 10, 1);
    }

    /** A copy consuming the queue {@code name}. */
    public Subscription withQueue(String name) {
        return new Subscription(name, bindingKeys, handler, retry, prefetch, concurrency);
    }

    /** A copy with this retry policy. */
    public Subscription withRetry(RetryPolicy policy) {
        return new Subscription(queue, bindingKeys, handler, policy, prefetch, concurrency);
    }

    /**
     * A copy with {@code workers} workers (channels) consuming the queue, 1-64. More than one worker
     * handles the queue's events in parallel, without an order between them.
     */
    public Subscription withConcurrency(int workers) {
        return new Subscription(queue, bindingKeys, handler, retry, prefetch, workers);
    }

    /** A copy with {@code unacked} unacknowledged deliveries per worker, 1-65535. */
    public Subscription withPrefetch(int unacked) {
        return new Subscription(queue, bindingKeys, handler, retry, unacked, concurrency);
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
        return SubscriptionQueues.of(queueFor(consumer), retry);
    }
}
