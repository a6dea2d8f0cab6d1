package dev.outboxcdc.relay.health;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The relay's part of readiness: UP while streaming from the slot with RabbitMQ connected;
 * OUT_OF_SERVICE otherwise (starting, reconnecting, standby, stopping). Liveness does not include
 * it: a relay that waits for the database or the slot is alive.
 */
@Component("relay")
public class RelayHealthIndicator implements HealthIndicator {

    private final RelayStatus status;

    /** Creates the indicator over {@code status}. */
    public RelayHealthIndicator(RelayStatus status) {
        this.status = status;
    }

    @Override
    public Health health() {
        Health.Builder builder = status.isReady() ? Health.up() : Health.outOfService();
        return builder.withDetail("state", status.state().name())
                .withDetail("brokerConnected", status.isBrokerConnected())
                .build();
    }
}
