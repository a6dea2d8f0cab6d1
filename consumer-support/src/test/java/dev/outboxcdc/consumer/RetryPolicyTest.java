package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void theWaitGrowsByTheMultiplierAfterEachFailedAttemptUpToTheMaximum() {
        RetryPolicy policy = new RetryPolicy(6, Duration.ofSeconds(1), 3.0, Duration.ofSeconds(20));

        assertThat(policy.backoffAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoffAfter(2)).isEqualTo(Duration.ofSeconds(3));
        assertThat(policy.backoffAfter(3)).isEqualTo(Duration.ofSeconds(9));
        assertThat(policy.backoffAfter(4)).isEqualTo(Duration.ofSeconds(20));
        assertThat(policy.backoffAfter(5)).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aMultiplierOfOneWaitsAlike() {
        RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(250), 1.0, Duration.ofMillis(250));

        assertThat(policy.backoffAfter(1)).isEqualTo(policy.backoffAfter(3)).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void theDefaultTriesThreeTimesOneThenTwoSecondsApart() {
        assertThat(RetryPolicy.DEFAULT.maxAttempts()).isEqualTo(3);
        assertThat(RetryPolicy.DEFAULT.backoffAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(RetryPolicy.DEFAULT.backoffAfter(2)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void refusesSettingsThatMakeNoSense() {
        Duration second = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new RetryPolicy(0, second, 2.0, second))
                .hasMessage("maxAttempts must be between 1 and 20, was 0");
        assertThatThrownBy(() -> new RetryPolicy(21, second, 2.0, second))
                .hasMessage("maxAttempts must be between 1 and 20, was 21");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ZERO, 2.0, second))
                .hasMessage("initialBackoff must be positive, was PT0S");
        assertThatThrownBy(() -> new RetryPolicy(3, second, 0.5, second))
                .hasMessage("multiplier must be at least 1, was 0.5");
        assertThatThrownBy(() -> new RetryPolicy(3, second, 2.0, Duration.ofMillis(999)))
                .hasMessage("maxBackoff must be at least initialBackoff, was PT0.999S");
    }
}
