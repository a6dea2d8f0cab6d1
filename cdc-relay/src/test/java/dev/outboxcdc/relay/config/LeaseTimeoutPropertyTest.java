package dev.outboxcdc.relay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class LeaseTimeoutPropertyTest {

    @Test
    void defaultsToFifteenSeconds() {
        assertThat(bind(Map.of()).leaseTimeout()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void bindsTheEnvironmentVariable() {
        assertThat(bind(Map.of("OUTBOX_LEASETIMEOUT", "40s")).leaseTimeout()).isEqualTo(Duration.ofSeconds(40));
    }

    @Test
    void refusesLessThanTwelveSecondsNamingTheProperty() {
        assertThatThrownBy(() -> bind(Map.of("OUTBOX_LEASETIMEOUT", "5s")))
                .isInstanceOf(BindException.class)
                .rootCause().isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("outbox.lease-timeout").hasMessageContaining("at least 12s");
    }

    private static OutboxProperties bind(Map<String, String> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        MutablePropertySources sources = environment.getPropertySources();
        sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        sources.addFirst(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.copyOf(variables)));
        return new Binder(ConfigurationPropertySources.get(environment)).bindOrCreate("outbox", OutboxProperties.class);
    }
}
