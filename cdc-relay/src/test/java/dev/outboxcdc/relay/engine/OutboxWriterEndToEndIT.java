package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outboxcdc.envelope.Envelope;
import dev.outboxcdc.envelope.EnvelopeCodec;
import dev.outboxcdc.relay.InProcessRelay;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import dev.outboxcdc.writer.OutboxEvent;
import dev.outboxcdc.writer.OutboxWriter;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** outbox-writer and cdc-relay together: what a rolled-back transaction wrote is never published. */
class OutboxWriterEndToEndIT {

    @Test
    void publishesWhatCommitsAndNothingOfWhatRollsBackEvenWhenRowsAreDeletedAtOnce() throws Exception {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            RelaySettings settings = RelaySettings.of(db, rabbit);
            rabbit.declareEventsExchange(settings.exchange());
            OutboxWriter writer = OutboxWriter.builder().build();
            OutboxWriter deleting =
                    OutboxWriter.builder().deleteAfterInsert(true).build();
            try (TestQueue queue = rabbit.bind(settings.exchange(), "employee.*");
                    InProcessRelay relay = InProcessRelay.startReady(settings);
                    Connection connection = db.connect()) {
                connection.setAutoCommit(false);
                UUID rolledBack =
                        writer.write(connection, OutboxEvent.of("employee.created", Map.of("name", "Rolled Back")));
                connection.rollback();
                UUID committed = writer.write(
                        connection,
                        OutboxEvent.of("employee.created", Map.of("name", "Ada"))
                                .withAggregate("Employee", "e-1"));
                connection.commit();
                UUID deletedAtOnce =
                        deleting.write(connection, OutboxEvent.of("employee.updated", Map.of("name", "Ada L.")));
                connection.commit();

                queue.awaitAtLeast(2, Duration.ofSeconds(30));
                assertThat(queue.messageIds())
                        .containsExactly(committed.toString(), deletedAtOnce.toString())
                        .doesNotContain(rolledBack.toString());
                Envelope first = EnvelopeCodec.read(queue.deliveries().get(0).getBody());
                assertThat(first.data()).isEqualTo(new ObjectMapper().readTree("{\"name\": \"Ada\"}"));
                assertThat(queue.deliveries().get(0).getProperties().getHeaders())
                        .containsKeys("aggregate_type", "aggregate_id");
                assertThat(db.queryLong("SELECT count(*) FROM outbox_events")).isEqualTo(1);
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }
}
