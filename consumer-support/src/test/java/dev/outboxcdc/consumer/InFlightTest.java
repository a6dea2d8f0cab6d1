package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InFlightTest {

    private final InFlight inFlight = new InFlight();

    @Test
    void withNothingInHandTheWaitEndsAtOnce() {
        assertThat(inFlight.awaitNone(Duration.ZERO)).isTrue();
    }

    @Test
    void aDeliveryStillInHandAtTheTimeoutIsReported() {
        inFlight.enter();

        assertThat(inFlight.awaitNone(Duration.ofMillis(20))).isFalse();
    }

    @Test
    void theWaitEndsWhenTheLastDeliveryIsDone() throws Exception {
        inFlight.enter();
        inFlight.enter();
        inFlight.exit();
        CompletableFuture<Boolean> waiting =
                CompletableFuture.supplyAsync(() -> inFlight.awaitNone(Duration.ofMinutes(1)));

        inFlight.exit();

        assertThat(waiting.get(5, TimeUnit.SECONDS)).isTrue();
    }
}
