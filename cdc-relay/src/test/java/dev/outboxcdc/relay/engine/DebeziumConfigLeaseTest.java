package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.relay.config.OutboxProperties;
import dev.outboxcdc.relay.config.TableName;
import dev.outboxcdc.relay.db.OutboxTableInfo;
import dev.outboxcdc.relay.db.PgConnections;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class DebeziumConfigLeaseTest {

    @Test
    void theReplicationConnectionAsksPostgresToEndItsWalsenderAfterTheLeaseTimeout() {
        OutboxProperties config = new Binder(new MapConfigurationPropertySource(Map.of("outbox.lease-timeout", "20s")))
                .bindOrCreate("outbox", OutboxProperties.class);

        Properties engine = DebeziumConfig.engineProperties(
                config,
                new OutboxTableInfo(new TableName("public", "outbox_events"), true),
                new PgConnections(config.db()),
                "test");

        // Debezium hands every database.* property without a meaning of its own to pgjdbc, the replication connection's
        // too.
        assertThat(engine.getProperty("database.options"))
                .contains("-c wal_sender_timeout=20000ms")
                .contains("-c tcp_keepalives_idle=6")
                .doesNotContain("idle_session_timeout");
    }
}
