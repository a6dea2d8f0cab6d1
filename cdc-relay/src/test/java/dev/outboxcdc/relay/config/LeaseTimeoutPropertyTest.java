package dev.outboxcdc.relay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;

class LeaseTimeoutPropertyTest {

    @Test
    void defaultsToFifteenSeconds() {
        assertThat(OutboxPropertiesTest.bindEnvironment(Map.of()).leaseTimeout())
                .isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void bindsTheEnvironmentVariable() {
        assertThat(OutboxPropertiesTest.bindEnvironment(Map.of("OUTBOX_LEASETIMEOUT", "40s"))
                        .leaseTimeout())
                .isEqualTo(Duration.ofSeconds(40));
    }

    @Test
    void refusesLessThanTwelveSecondsNamingTheProperty() {
        assertThatThrownBy(() -> OutboxPropertiesTest.bindEnvironment(Map.of("OUTBOX_LEASETIMEOUT", "5s")))
                .isInstanceOf(BindException.class)
                .rootCause()
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("outbox.lease-timeout")
                .hasMessageContaining("at least 12s");
    }
}
