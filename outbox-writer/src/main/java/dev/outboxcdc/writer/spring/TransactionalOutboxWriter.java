package dev.outboxcdc.writer.spring;

import dev.outboxcdc.writer.OutboxEvent;
import dev.outboxcdc.writer.OutboxWriteException;
import dev.outboxcdc.writer.OutboxWriter;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes outbox events in the current Spring-managed transaction, on the connection that
 * transaction holds ({@link DataSourceUtils}), so the event commits or rolls back with the business
 * change made through {@code JdbcTemplate}, JPA or jOOQ on the same {@link DataSource}.
 *
 * <p>MANDATORY semantics: called without an active transaction on that data source it throws,
 * instead of quietly writing in a transaction of its own. Thread-safe.
 *
 * <pre>{@code
 * @Transactional
 * public Employee hire(NewEmployee request) {
 *     Employee employee = employees.insert(request);
 *     outbox.write(OutboxEvent.of("employee.created", employee).withAggregate("Employee", employee.id().toString()));
 *     return employee;
 * }
 * }</pre>
 */
public final class TransactionalOutboxWriter {

    private final DataSource dataSource;
    private final OutboxWriter writer;

    /** Writes with {@code writer} on the transactional connections of {@code dataSource}. */
    public TransactionalOutboxWriter(DataSource dataSource, OutboxWriter writer) {
        this.dataSource = dataSource;
        this.writer = writer;
    }

    /**
     * Writes {@code event} in the current transaction.
     *
     * @return the event id
     * @throws OutboxWriteException when no Spring-managed transaction is active on the data source
     */
    public UUID write(OutboxEvent event) {
        return inTransaction(connection -> writer.write(connection, event));
    }

    /** Writes {@code events} in one JDBC batch in the current transaction; returns their ids in order. */
    public List<UUID> writeAll(List<OutboxEvent> events) {
        return inTransaction(connection -> writer.writeAll(connection, events));
    }

    private <T> T inTransaction(Function<Connection, T> work) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new OutboxWriteException("no Spring-managed transaction is active: write outbox events from a"
                    + " @Transactional method (MANDATORY), so they commit with the business change");
        }
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            if (!DataSourceUtils.isConnectionTransactional(connection, dataSource)) {
                throw new OutboxWriteException("the active transaction does not manage this DataSource: the outbox"
                        + " write would not commit with it; use a transaction manager for the outbox's DataSource");
            }
            return work.apply(connection);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }
}
