package dev.outboxcdc.relay.engine;

import dev.outboxcdc.relay.config.RelayConfigurationException;
import dev.outboxcdc.relay.config.TableName;
import dev.outboxcdc.relay.db.OffsetTable;
import dev.outboxcdc.relay.db.OutboxTableInfo;
import dev.outboxcdc.relay.db.PgConnections;
import dev.outboxcdc.relay.db.StartupChecks;
import dev.outboxcdc.relay.publish.BrokerSession;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The relay's {@link Startup}: the {@link StartupChecks} on a fresh connection, then, once active, the RabbitMQ
 * connection, a probe that offsets can be written and the {@link CutOver}. Tells a refusal by PostgreSQL (wrong
 * password, no such database: the operator must act) from a database that is not reachable right now.
 */
final class RelayStartup implements Startup {

    private final PgConnections connections;
    private final StartupChecks checks;
    private final TableName offsetTable;
    private final BrokerSession broker;
    private final CutOver cutOver;

    RelayStartup(
            PgConnections connections,
            StartupChecks checks,
            TableName offsetTable,
            BrokerSession broker,
            CutOver cutOver) {
        this.connections = connections;
        this.checks = checks;
        this.offsetTable = offsetTable;
        this.broker = broker;
        this.cutOver = cutOver;
    }

    @Override
    public OutboxTableInfo check() throws SQLException {
        try (Connection connection = connections.open()) {
            return checks.run(connection);
        } catch (SQLException e) {
            if (PgConnections.isTransient(e)) {
                throw e;
            }
            throw new RelayConfigurationException(
                    "PostgreSQL refused the relay: " + e.getMessage().trim() + " (SQLSTATE " + e.getSQLState()
                            + "). Check OUTBOX_DB_USER, OUTBOX_DB_PASSWORD and OUTBOX_DB_NAME.");
        }
    }

    @Override
    public void prepare(OutboxTableInfo table) throws SQLException, IOException {
        broker.connect();
        requireWritableOffsets();
        cutOver.ensure(table);
    }

    /** Starts no engine (so publishes nothing) while the offsets of what it would publish could not be stored. */
    private void requireWritableOffsets() throws SQLException {
        try (Connection connection = connections.open()) {
            OffsetTable.requireWritable(connection, offsetTable);
        }
    }

    @Override
    public void close() {
        broker.close();
    }
}
