package dev.outboxcdc.relay.db;

import dev.outboxcdc.relay.config.OutboxProperties;
import dev.outboxcdc.relay.config.RelayConfigurationException;
import dev.outboxcdc.relay.config.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks, before streaming starts, everything an operator would otherwise discover from a
 * Debezium stack trace, and creates the publication and the offset table when they are missing: the server and
 * the role, the outbox table here; the publication and the slot in {@link ReplicationChecks}.
 *
 * <p>A problem an operator must fix raises {@link RelayConfigurationException} with the fix in the
 * message; a database that cannot be reached raises the {@link SQLException} so the caller retries.
 */
public final class StartupChecks {

    /** Columns the relay reads from every outbox row. */
    static final List<String> REQUIRED_COLUMNS = List.of("id", "event_id", "event_type", "payload", "created_at");

    private static final String ROLE_CAN_REPLICATE = """
            SELECT r.rolsuper OR r.rolreplication
                   OR EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = 'rds_replication'
                              AND pg_has_role(r.oid, g.oid, 'member'))
            FROM pg_roles r WHERE r.rolname = current_user""";
    private static final String COLUMNS = """
            SELECT attname FROM pg_attribute
            WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped""";

    private final OutboxProperties config;
    private final ReplicationChecks replication;

    /** Creates the checks for {@code config}. */
    public StartupChecks(OutboxProperties config) {
        this.config = config;
        this.replication = new ReplicationChecks(config);
    }

    /**
     * Runs every check on {@code connection} and creates what is missing.
     *
     * @return what the relay learned about the outbox table
     * @throws RelayConfigurationException when an operator must change something
     * @throws SQLException when the database failed while checking (retry later)
     */
    public OutboxTableInfo run(Connection connection) throws SQLException {
        requireLogicalWal(connection);
        requireReplicationRole(connection);
        TableName table = config.tableName();
        Set<String> columns = requireTable(connection, table);
        requireSelect(connection, table);
        replication.ensurePublication(connection, table);
        replication.requireUsableSlot(connection);
        OffsetTable.create(connection, config.offsetTableName());
        CutOverTable.create(connection, config.cutoverTableName());
        return new OutboxTableInfo(table, columns.contains("status"));
    }

    private void requireLogicalWal(Connection connection) throws SQLException {
        String walLevel = single(connection, "SHOW wal_level");
        if (!"logical".equals(walLevel)) {
            throw new RelayConfigurationException(
                    "PostgreSQL at " + config.db().host() + ":" + config.db().port()
                            + " runs with wal_level=" + walLevel
                            + ", but cdc-relay needs wal_level=logical. Set wal_level = logical"
                            + " in postgresql.conf (RDS/Aurora: rds.logical_replication=1; Cloud SQL: cloudsql.logical_decoding=on;"
                            + " Azure: wal_level=logical) and restart PostgreSQL. See docs/operations.md.");
        }
    }

    private void requireReplicationRole(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(ROLE_CAN_REPLICATE)) {
            if (!rs.next() || !rs.getBoolean(1)) {
                String user = config.db().user();
                throw new RelayConfigurationException("Role '" + user + "' lacks the REPLICATION attribute that logical"
                        + " replication needs. Run: ALTER ROLE " + user + " REPLICATION;"
                        + " (RDS/Aurora: GRANT rds_replication TO " + user + ";)");
            }
        }
    }

    private Set<String> requireTable(Connection connection, TableName table) throws SQLException {
        if (!bool(connection, "SELECT to_regclass(?) IS NOT NULL", table.quoted())) {
            throw new RelayConfigurationException("Outbox table " + table + " does not exist in database '"
                    + config.db().name() + "'. Create it (outbox-writer ships the DDL in"
                    + " dev/outboxcdc/writer/schema/outbox_events.sql) or point OUTBOX_TABLE at the existing table.");
        }
        Set<String> columns = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(COLUMNS)) {
            statement.setString(1, table.quoted());
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        List<String> missing =
                REQUIRED_COLUMNS.stream().filter(c -> !columns.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new RelayConfigurationException("Outbox table " + table + " lacks the columns " + missing
                    + ". The relay needs " + REQUIRED_COLUMNS + "; see the table in the README.");
        }
        return columns;
    }

    private void requireSelect(Connection connection, TableName table) throws SQLException {
        if (!bool(connection, "SELECT has_table_privilege(?, 'SELECT')", table.quoted())) {
            throw new RelayConfigurationException("Role '" + config.db().user() + "' may not SELECT from " + table
                    + ". Run: GRANT SELECT ON " + table + " TO " + config.db().user() + ";");
        }
    }

    private static boolean bool(Connection connection, String sql, String parameter) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
