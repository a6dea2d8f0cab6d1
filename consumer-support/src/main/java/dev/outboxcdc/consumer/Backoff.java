package dev.outboxcdc.consumer;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: wait n (1-based) is {@code initial × 2^(n-1)}, at most {@code max},
 * scaled by a random factor in [0.5, 1) so workers that failed together do not retry together.
 *
 * @param initial the first wait, before jitter
 * @param max     the longest wait, before jitter
 */
record Backoff(Duration initial, Duration max) {

    Duration delay(int n) {
        long millis = initial.toMillis() << Math.min(Math.max(n - 1, 0), 30);
        long capped = Math.min(millis <= 0 ? Long.MAX_VALUE : millis, max.toMillis());
        return Duration.ofMillis(
                (long) (capped * (0.5 + ThreadLocalRandom.current().nextDouble() / 2)));
    }
}
