package dev.outboxcdc.writer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** {@link OutboxWriter} over plain JDBC; see the interface for the guarantees. */
final class JdbcOutboxWriter implements OutboxWriter {

    private static final String INSERT = "INSERT INTO %s (id, event_id, event_type, payload) VALUES (?, ?, ?, ?)";
    private static final String INSERT_WITH_METADATA = "INSERT INTO %s (id, event_id, event_type, payload,"
            + " aggregate_type, aggregate_id, headers) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String DELETE = "DELETE FROM %s WHERE id = ANY (?)";

    private final SqlTable table;
    private final ObjectMapper mapper;
    private final boolean deleteAfterInsert;

    JdbcOutboxWriter(SqlTable table, ObjectMapper mapper, boolean deleteAfterInsert) {
        this.table = table;
        this.mapper = mapper;
        this.deleteAfterInsert = deleteAfterInsert;
    }

    @Override
    public UUID write(Connection connection, OutboxEvent event) {
        return writeAll(connection, List.of(event)).get(0);
    }

    @Override
    public List<UUID> writeAll(Connection connection, List<OutboxEvent> events) {
        if (events == null || events.isEmpty()) {
            return List.of();
        }
        List<EventValidation.Rendered> rendered = new ArrayList<>(events.size());
        boolean metadata = false;
        for (OutboxEvent event : events) {
            rendered.add(EventValidation.render(event, mapper));
            metadata |= event.aggregateType() != null
                    || event.aggregateId() != null
                    || !event.headers().isEmpty();
        }
        requireTransaction(connection);
        List<UUID> rowIds = new ArrayList<>(events.size());
        List<UUID> eventIds = new ArrayList<>(events.size());
        try (PreparedStatement insert =
                connection.prepareStatement((metadata ? INSERT_WITH_METADATA : INSERT).formatted(table.quoted()))) {
            for (int i = 0; i < events.size(); i++) {
                OutboxEvent event = events.get(i);
                UUID rowId = TimeOrderedUuid.next();
                UUID eventId = event.eventId() != null ? event.eventId() : TimeOrderedUuid.next();
                insert.setObject(1, rowId);
                insert.setObject(2, eventId);
                insert.setString(3, event.eventType());
                // Types.OTHER lets PostgreSQL convert the JSON text to the column's type: jsonb, json or text.
                insert.setObject(4, rendered.get(i).payload(), Types.OTHER);
                if (metadata) {
                    insert.setString(5, event.aggregateType());
                    insert.setString(6, event.aggregateId());
                    insert.setObject(7, rendered.get(i).headers(), Types.OTHER);
                }
                insert.addBatch();
                rowIds.add(rowId);
                eventIds.add(eventId);
            }
            insert.executeBatch();
            if (deleteAfterInsert) {
                delete(connection, rowIds);
            }
            return eventIds;
        } catch (SQLException e) {
            throw new OutboxWriteException(
                    "cannot write " + events.size() + " event(s) to outbox table " + table + ": " + e.getMessage(), e);
        }
    }

    private void delete(Connection connection, List<UUID> rowIds) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(DELETE.formatted(table.quoted()))) {
            Array ids = connection.createArrayOf("uuid", rowIds.toArray());
            delete.setArray(1, ids);
            delete.executeUpdate();
            ids.free();
        }
    }

    private static void requireTransaction(Connection connection) {
        try {
            if (connection.getAutoCommit()) {
                throw new OutboxWriteException("outbox write on a connection in auto-commit mode: the event must be"
                        + " written in the same transaction as the business change (setAutoCommit(false), or a"
                        + " Spring @Transactional method)");
            }
        } catch (SQLException e) {
            throw new OutboxWriteException("cannot read the connection's auto-commit mode", e);
        }
    }
}
