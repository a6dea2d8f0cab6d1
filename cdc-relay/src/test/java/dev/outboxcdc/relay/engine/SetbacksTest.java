package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outboxcdc.relay.config.OutboxProperties;
import dev.outboxcdc.relay.config.RelayConfigurationException;
import dev.outboxcdc.relay.engine.Setbacks.Kind;
import dev.outboxcdc.relay.engine.Setbacks.Setback;
import dev.outboxcdc.relay.publish.PublishAbortedException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class SetbacksTest {

    private final Setbacks setbacks = new Setbacks(new Binder(new MapConfigurationPropertySource(Map.of(
                    "outbox.db.host", "db.internal",
                    "outbox.db.port", "6432",
                    "outbox.rabbitmq.uri", "amqp://relay:hunter2@mq.internal:5672/hr")))
            .bindOrCreate("outbox", OutboxProperties.class));

    @Test
    void aConfigurationErrorEndsTheRelayWithTheOperatorsFix() {
        assertThat(setbacks.classify(new RelayConfigurationException("Run: ALTER ROLE relay REPLICATION;")))
                .isEqualTo(new Setback(Kind.CONFIGURATION, "Run: ALTER ROLE relay REPLICATION;"));
    }

    @Test
    void aDatabaseOrBrokerThatIsDownIsRetriedAndNamedWithoutThePassword() {
        assertThat(setbacks.classify(new SQLException("Connection refused", "08001")))
                .isEqualTo(new Setback(
                        Kind.UNAVAILABLE, "PostgreSQL at db.internal:6432 is unavailable: Connection refused"));
        Setback broker = setbacks.classify(new IOException("Connection refused"));
        assertThat(broker.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(broker.detail())
                .startsWith("RabbitMQ at amqp://relay:")
                .contains("@mq.internal:5672/hr is unavailable: Connection refused")
                .doesNotContain("hunter2");
    }

    @Test
    void aFailedEngineIsRetriedAndAnAbortedPublishMeansTheRelayIsStopping() {
        assertThat(setbacks.classify(new EngineFailedException("Connector failed", null)))
                .isEqualTo(new Setback(Kind.UNAVAILABLE, "the Debezium engine stopped: Connector failed"));
        assertThat(setbacks.classify(new PublishAbortedException("e-1", 3)).kind())
                .isEqualTo(Kind.STOPPED);
    }

    @Test
    void refusesAnythingElse() {
        assertThatThrownBy(() -> setbacks.classify(new IllegalStateException("bug")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
