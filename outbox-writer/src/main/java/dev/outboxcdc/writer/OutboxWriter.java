package dev.outboxcdc.writer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.sql.Connection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Writes outbox events with the caller's JDBC connection, inside the caller's transaction: the
 * event commits or rolls back together with the business change. The writer never opens, commits or
 * rolls back a transaction itself, and refuses a connection in auto-commit mode (an outbox write
 * outside a transaction is a bug: the event could be published for a change that never commits).
 *
 * <p>Every event is validated before any SQL runs. Ids are time-ordered UUIDs (version 7) unless
 * the event carries its own. Implementations are thread-safe; connections are not shared.
 *
 * <pre>{@code
 * OutboxWriter outbox = OutboxWriter.builder().build();
 * connection.setAutoCommit(false);
 * insertEmployee(connection, employee);
 * outbox.write(connection, OutboxEvent.of("employee.created", employee).withAggregate("Employee", employee.id()));
 * connection.commit();
 * }</pre>
 */
public interface OutboxWriter {

    /** The table written to unless {@link Builder#table} says otherwise. */
    String DEFAULT_TABLE = "outbox_events";

    /** A builder with the defaults: table {@value #DEFAULT_TABLE}, rows kept after insert. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Inserts {@code event} on {@code connection}, in its current transaction.
     *
     * @return the event id (generated when the event has none)
     * @throws InvalidOutboxEventException when the event is invalid; nothing was written
     * @throws OutboxWriteException when the connection is in auto-commit mode or the insert failed
     */
    UUID write(Connection connection, OutboxEvent event);

    /**
     * Inserts {@code events}, in order, with one JDBC batch, in the connection's current transaction.
     * Either every event is valid and all are inserted, or none is.
     *
     * @return the event ids, in the order of {@code events}
     */
    List<UUID> writeAll(Connection connection, List<OutboxEvent> events);

    /** Configures an {@link OutboxWriter}; validated once, by {@link #build()}. */
    final class Builder {

        private String table = DEFAULT_TABLE;
        private ObjectMapper objectMapper;
        private boolean deleteAfterInsert;

        private Builder() {}

        /** The outbox table, {@code table} or {@code schema.table} (plain lower-case identifiers). */
        public Builder table(String table) {
            this.table = table;
            return this;
        }

        /**
         * The mapper payloads are serialised with. Defaults to a mapper with Java time and
         * {@code Optional} support that writes dates as ISO-8601 text.
         */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
            return this;
        }

        /**
         * Deletes each row in the same transaction right after inserting it: the WAL still carries
         * the insert for cdc-relay, and the table stays empty. Rows still {@code PENDING} from a
         * polling relay are unaffected.
         */
        public Builder deleteAfterInsert(boolean deleteAfterInsert) {
            this.deleteAfterInsert = deleteAfterInsert;
            return this;
        }

        /**
         * Builds the writer.
         *
         * @throws IllegalArgumentException when the table name is not a plain identifier
         */
        public OutboxWriter build() {
            ObjectMapper mapper = objectMapper != null ? objectMapper : defaultMapper();
            return new JdbcOutboxWriter(SqlTable.parse("table", table), mapper, deleteAfterInsert);
        }

        private static ObjectMapper defaultMapper() {
            return JsonMapper.builder()
                    .addModule(new JavaTimeModule())
                    .addModule(new Jdk8Module())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .build();
        }
    }
}
