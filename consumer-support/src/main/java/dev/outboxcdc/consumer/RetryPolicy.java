package dev.outboxcdc.consumer;

import java.time.Duration;

/**
 * How often a failing event is tried and how long to wait between tries: attempt {@code n+1}
 * starts {@code initialBackoff × multiplier^(n-1)} (at most {@code maxBackoff}) after attempt n failed.
 *
 * @param maxAttempts    tries in all, including the first; then the event goes to the DLQ
 * @param initialBackoff wait after the first failure
 * @param multiplier     growth of the wait per failure
 * @param maxBackoff     longest wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {

    /** Three attempts, 1 s then 2 s apart. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5));

    /** Validates the policy. */
    public RetryPolicy {
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new IllegalArgumentException("maxAttempts must be between 1 and 20, was " + maxAttempts);
        }
        if (initialBackoff == null || initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("initialBackoff must be positive, was " + initialBackoff);
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
        }
        if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be at least initialBackoff, was " + maxBackoff);
        }
    }

    /** The wait after attempt {@code failedAttempt} (1-based) failed. */
    public Duration backoffAfter(int failedAttempt) {
        double millis = initialBackoff.toMillis() * Math.pow(multiplier, failedAttempt - 1);
        return millis >= maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis((long) millis);
    }
}
