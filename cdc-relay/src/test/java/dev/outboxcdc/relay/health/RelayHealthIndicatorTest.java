package dev.outboxcdc.relay.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.actuate.health.Status;

/** The relay's readiness: UP only while streaming with RabbitMQ connected, however early the relay started. */
class RelayHealthIndicatorTest {

    private final RelayStatus status = new RelayStatus();
    private final RelayHealthIndicator indicator = new RelayHealthIndicator(status);

    @ParameterizedTest
    @EnumSource(value = RelayState.class, names = "STREAMING", mode = EnumSource.Mode.EXCLUDE)
    void isOutOfServiceInEveryStateButStreamingEvenWithTheBrokerConnected(RelayState state) {
        status.brokerConnected(true, "test");
        status.set(state, "test");

        assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
    }

    @Test
    void isOutOfServiceWhileStreamingWithoutTheBroker() {
        status.set(RelayState.STREAMING, "test");

        assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
    }

    @Test
    void isUpOnlyOnceStreamingWithTheBrokerConnected() {
        assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        status.brokerConnected(true, "test");
        status.set(RelayState.STREAMING, "test");

        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        assertThat(indicator.health().getDetails()).containsEntry("state", "STREAMING");
    }
}
