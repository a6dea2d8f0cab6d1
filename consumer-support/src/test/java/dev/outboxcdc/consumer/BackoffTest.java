package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void doublesFromTheFirstWaitUpToTheMaximumWithJitterOfAtMostHalf() {
        for (int n = 1; n <= 40; n++) {
            long ceiling = Math.min(100L << Math.min(n - 1, 30), 5000);
            for (int i = 0; i < 50; i++) {
                assertThat(backoff.delay(n).toMillis()).isBetween(ceiling / 2, ceiling);
            }
        }
    }

    @Test
    void spreadsWorkersThatFailedTogether() {
        Set<Long> waits = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            waits.add(backoff.delay(10).toMillis());
        }
        assertThat(waits).hasSizeGreaterThan(5);
    }
}
