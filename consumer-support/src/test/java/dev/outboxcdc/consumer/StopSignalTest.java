package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StopSignalTest {

    private final StopSignal signal = new StopSignal();

    @Test
    void aConsumerNeverStartedCountsAsStoppingAndDoesNotWait() {
        assertThat(signal.stopping()).isTrue();
        assertThat(signal.sleep(Duration.ofMinutes(1))).isFalse();
    }

    @Test
    void aStartedConsumerWaitsTheWholeDuration() {
        signal.reset();

        assertThat(signal.stopping()).isFalse();
        assertThat(signal.sleep(Duration.ofMillis(1))).isTrue();
    }

    @Test
    void stoppingEndsAWaitAtOnce() throws Exception {
        signal.reset();
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> signal.sleep(Duration.ofMinutes(1)));

        signal.stop();

        assertThat(waiting.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(signal.stopping()).isTrue();
    }

    @Test
    void anInterruptedWaitGivesUpAndKeepsTheInterrupt() {
        signal.reset();
        Thread.currentThread().interrupt();

        try {
            assertThat(signal.sleep(Duration.ofMinutes(1))).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
