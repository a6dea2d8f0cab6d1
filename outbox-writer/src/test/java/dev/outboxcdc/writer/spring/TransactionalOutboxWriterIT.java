package dev.outboxcdc.writer.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestServices;
import dev.outboxcdc.writer.OutboxEvent;
import dev.outboxcdc.writer.OutboxWriteException;
import dev.outboxcdc.writer.OutboxWriter;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Transactional;

/** The common case: employee.created is written in the same @Transactional method that inserts the employee. */
@SpringBootTest(classes = TransactionalOutboxWriterIT.PersonnelApplication.class)
class TransactionalOutboxWriterIT {

    private static TestDatabase db;

    @DynamicPropertySource
    static void dataSource(DynamicPropertyRegistry registry) {
        db = TestServices.postgres().createDatabase();
        db.createOutboxTable();
        db.execute("CREATE TABLE employees (id uuid PRIMARY KEY, name text NOT NULL)");
        registry.add("spring.datasource.url", () -> db.server().jdbcUrl(db.name()));
        registry.add("spring.datasource.username", () -> db.server().user());
        registry.add("spring.datasource.password", () -> db.server().password());
    }

    @AfterAll
    static void dropDatabase() {
        db.close();
    }

    @Autowired
    private PersonnelService personnel;

    @Autowired
    private TransactionalOutboxWriter outbox;

    @Autowired
    private ApplicationContext context;

    @BeforeEach
    void clean() {
        db.execute("TRUNCATE employees, outbox_events");
    }

    @Test
    void isAutoConfigured() {
        assertThat(context.getBeansOfType(OutboxWriter.class)).hasSize(1);
        assertThat(context.getBeansOfType(TransactionalOutboxWriter.class)).hasSize(1);
    }

    @Test
    void writesTheEventInTheTransactionThatInsertsTheEmployee() {
        UUID eventId = personnel.hire("Ada");

        assertThat(db.queryLong("SELECT count(*) FROM employees")).isEqualTo(1);
        assertThat(db.queryStrings("SELECT event_type || ' ' || aggregate_type || ' ' || (payload->>'name')"
                        + " FROM outbox_events WHERE event_id = '" + eventId + "'"))
                .containsExactly("employee.created Employee Ada");
    }

    @Test
    void rollsBackTheEventWithTheEmployee() {
        assertThatThrownBy(() -> personnel.hireThenFail("Grace")).isInstanceOf(IllegalStateException.class);

        assertThat(db.queryLong("SELECT count(*) FROM employees")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM outbox_events")).isZero();
    }

    @Test
    void refusesToWriteWithoutATransaction() {
        assertThatThrownBy(() -> outbox.write(OutboxEvent.of("employee.created", java.util.Map.of("name", "Linus"))))
                .isInstanceOf(OutboxWriteException.class)
                .hasMessageContaining("no Spring-managed transaction is active");

        assertThat(db.queryLong("SELECT count(*) FROM outbox_events")).isZero();
    }

    /** A minimal personnel service, as a service using outbox-writer would be written. */
    @SpringBootApplication
    @Import(PersonnelService.class)
    static class PersonnelApplication {}

    static class PersonnelService {

        record EmployeeCreated(UUID id, String name) {}

        private final JdbcTemplate jdbc;
        private final TransactionalOutboxWriter outbox;

        PersonnelService(JdbcTemplate jdbc, TransactionalOutboxWriter outbox) {
            this.jdbc = jdbc;
            this.outbox = outbox;
        }

        @Transactional
        public UUID hire(String name) {
            UUID id = UUID.randomUUID();
            jdbc.update("INSERT INTO employees (id, name) VALUES (?, ?)", id, name);
            return outbox.write(OutboxEvent.of("employee.created", new EmployeeCreated(id, name))
                    .withAggregate("Employee", id.toString()));
        }

        @Transactional
        public void hireThenFail(String name) {
            hire(name);
            throw new IllegalStateException("payroll system unavailable");
        }
    }
}
