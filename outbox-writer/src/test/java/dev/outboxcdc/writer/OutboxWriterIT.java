package dev.outboxcdc.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestServices;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OutboxWriterIT {

    record Employee(UUID id, String name, BigDecimal salary, LocalDate hiredOn) {}

    private final ObjectMapper mapper = new ObjectMapper();
    private TestDatabase db;

    @BeforeEach
    void createDatabase() {
        db = TestServices.postgres().createDatabase();
        db.createOutboxTable();
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    void writesTheRowWithItsColumnsWhenTheTransactionCommits() throws Exception {
        OutboxWriter writer = OutboxWriter.builder().build();
        Employee employee =
                new Employee(UUID.randomUUID(), "Ada", new BigDecimal("4200.50"), LocalDate.of(2025, 12, 5));
        UUID eventId;
        try (Connection connection = db.connect()) {
            connection.setAutoCommit(false);
            eventId = writer.write(
                    connection,
                    OutboxEvent.of("employee.created", employee)
                            .withAggregate("Employee", employee.id().toString())
                            .withHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
            connection.commit();
        }

        try (Connection connection = db.connect();
                Statement statement = connection.createStatement();
                ResultSet rs =
                        statement.executeQuery("SELECT id, event_id, event_type, payload::text, status, aggregate_type,"
                                + " aggregate_id, headers::text, created_at FROM outbox_events")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getObject("event_id", UUID.class)).isEqualTo(eventId);
            assertThat(eventId.version())
                    .as("generated ids are time-ordered (v7)")
                    .isEqualTo(7);
            assertThat(rs.getObject("id", UUID.class).version()).isEqualTo(7);
            assertThat(rs.getString("event_type")).isEqualTo("employee.created");
            assertThat(mapper.readTree(rs.getString("payload")))
                    .isEqualTo(mapper.readTree("{\"id\": \"" + employee.id()
                            + "\", \"name\": \"Ada\", \"salary\": 4200.50, \"hiredOn\": \"2025-12-05\"}"));
            assertThat(rs.getString("status")).isEqualTo("PENDING");
            assertThat(rs.getString("aggregate_type")).isEqualTo("Employee");
            assertThat(rs.getString("aggregate_id")).isEqualTo(employee.id().toString());
            assertThat(mapper.readTree(rs.getString("headers"))
                            .get("traceparent")
                            .textValue())
                    .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            assertThat(rs.getTimestamp("created_at")).isNotNull();
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void writesNothingWhenTheTransactionRollsBack() throws Exception {
        try (Connection connection = db.connect()) {
            connection.setAutoCommit(false);
            OutboxWriter.builder()
                    .build()
                    .write(connection, OutboxEvent.of("employee.created", java.util.Map.of("n", 1)));
            connection.rollback();
        }
        assertThat(db.queryLong("SELECT count(*) FROM outbox_events")).isZero();
    }

    @Test
    void refusesAConnectionInAutoCommitMode() throws Exception {
        try (Connection connection = db.connect()) {
            assertThatThrownBy(() -> OutboxWriter.builder()
                            .build()
                            .write(connection, OutboxEvent.of("employee.created", java.util.Map.of("n", 1))))
                    .isInstanceOf(OutboxWriteException.class)
                    .hasMessageContaining("auto-commit");
        }
        assertThat(db.queryLong("SELECT count(*) FROM outbox_events")).isZero();
    }

    @Test
    void writesABatchOfAThousandEventsInOneTransaction() throws Exception {
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            events.add(OutboxEvent.ofJson("payroll.line", "{\"line\": " + i + "}"));
        }
        List<UUID> ids;
        try (Connection connection = db.connect()) {
            connection.setAutoCommit(false);
            ids = OutboxWriter.builder().build().writeAll(connection, events);
            connection.commit();
        }
        assertThat(ids).hasSize(1000).doesNotHaveDuplicates();
        assertThat(db.queryLong("SELECT count(*) FROM outbox_events")).isEqualTo(1000);
        assertThat(db.queryStrings("SELECT event_id FROM outbox_events ORDER BY (payload->>'line')::int"))
                .containsExactlyElementsOf(ids.stream().map(UUID::toString).toList());
    }

    @Test
    void keepsTheCallersEventIdAndWritesLegacyTablesWithATextPayload() throws Exception {
        db.execute(
                "CREATE TABLE legacy_outbox (id uuid PRIMARY KEY, event_id uuid NOT NULL UNIQUE, event_type text NOT NULL,"
                        + " payload text NOT NULL, status text NOT NULL DEFAULT 'PENDING', created_at timestamptz NOT NULL DEFAULT now(),"
                        + " updated_at timestamptz NOT NULL DEFAULT now())");
        UUID given = UUID.randomUUID();
        try (Connection connection = db.connect()) {
            connection.setAutoCommit(false);
            UUID written = OutboxWriter.builder()
                    .table("public.legacy_outbox")
                    .build()
                    .write(
                            connection,
                            OutboxEvent.of("employee.created", java.util.Map.of("name", "Ada"))
                                    .withEventId(given));
            connection.commit();
            assertThat(written).isEqualTo(given);
        }
        assertThat(db.queryStrings("SELECT event_id || ' ' || payload FROM legacy_outbox"))
                .containsExactly(given + " {\"name\":\"Ada\"}");
    }

    @Test
    void deletesTheRowInTheSameTransactionWhenAskedTo() throws Exception {
        try (Connection connection = db.connect()) {
            connection.setAutoCommit(false);
            OutboxWriter.builder()
                    .deleteAfterInsert(true)
                    .build()
                    .writeAll(connection, List.of(OutboxEvent.ofJson("a.b", "{}"), OutboxEvent.ofJson("a.c", "{}")));
            connection.commit();
        }
        assertThat(db.queryLong("SELECT count(*) FROM outbox_events")).isZero();
    }

    @Test
    void retentionDeletesOnlyOldRowsInBoundedBatches() throws Exception {
        db.execute(
                "INSERT INTO outbox_events (id, event_id, event_type, payload, created_at)"
                        + " SELECT gen_random_uuid(), gen_random_uuid(), 'old.event', '{}', now() - interval '8 days'"
                        + " FROM generate_series(1, 2500)",
                "INSERT INTO outbox_events (id, event_id, event_type, payload)"
                        + " SELECT gen_random_uuid(), gen_random_uuid(), 'new.event', '{}' FROM generate_series(1, 10)");

        long deleted;
        try (Connection connection = db.connect()) {
            deleted = new OutboxRetention("outbox_events", 1000).deleteOlderThan(connection, Duration.ofDays(7));
        }

        assertThat(deleted).isEqualTo(2500);
        assertThat(db.queryStrings("SELECT DISTINCT event_type FROM outbox_events"))
                .containsExactly("new.event");
        assertThat(db.queryLong("SELECT count(*) FROM outbox_events")).isEqualTo(10);
    }
}
