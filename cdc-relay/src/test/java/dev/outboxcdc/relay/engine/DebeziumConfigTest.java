package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.relay.config.OutboxProperties;
import dev.outboxcdc.relay.config.TableName;
import dev.outboxcdc.relay.db.OutboxTableInfo;
import dev.outboxcdc.relay.db.PgConnections;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class DebeziumConfigTest {

    private static Properties engineFor(TableName table) {
        OutboxProperties config = new Binder(
                        new MapConfigurationPropertySource(Map.of("outbox.table", table.qualified())))
                .bindOrCreate("outbox", OutboxProperties.class);
        return DebeziumConfig.engineProperties(
                config, new OutboxTableInfo(table, true), new PgConnections(config.db()), "test");
    }

    @Test
    void capturesOnlyTheColumnsTheEnvelopeIsMadeOf() {
        // Debezium matches the whole schema.table.column name against each pattern of the list.
        Pattern columns = Pattern.compile(
                engineFor(new TableName("billing", "outbox_events")).getProperty("column.include.list"));

        assertThat(columns.matcher("billing.outbox_events.id").matches()).isTrue();
        assertThat(columns.matcher("billing.outbox_events.event_id").matches()).isTrue();
        assertThat(columns.matcher("billing.outbox_events.aggregate_id").matches())
                .isTrue();
        assertThat(columns.matcher("billing.outbox_events.created_at").matches())
                .isTrue();
        assertThat(columns.matcher("billing.outbox_events.headers").matches()).isTrue();
        assertThat(columns.matcher("billing.outbox_events.status").matches()).isFalse();
        assertThat(columns.matcher("billing.outbox_events.updated_at").matches())
                .isFalse();
        assertThat(columns.matcher("billing.outbox_eventsXid").matches()).isFalse();
        assertThat(columns.matcher("public.outbox_events.id").matches()).isFalse();
    }

    @Test
    void leavesDebeziumsPerEventLatencyStatisticsOff() {
        // They queue a measurement per event and log a warning per event once their queue is full.
        assertThat(engineFor(new TableName("public", "outbox_events")).getProperty("statistics.metrics.enabled"))
                .isEqualTo("false");
    }
}
