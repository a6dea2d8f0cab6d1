package dev.outboxcdc.relay.db;

import dev.outboxcdc.relay.config.RelayConfigurationException;
import dev.outboxcdc.relay.config.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Creates the tables the relay keeps its own state in (offsets, cut-over) when they are missing. */
public final class RelayTables {

    private RelayTables() {}

    /**
     * Runs {@code ddl} unless {@code table} exists. An existing table is left alone, so a relay role without CREATE
     * on the schema can use a table its owner created (docs/least-privilege.sql).
     *
     * @param what       what the table is for, e.g. "offset table", for the error message
     * @param privileges the privileges the relay's role needs on it, e.g. "SELECT, INSERT"
     * @throws RelayConfigurationException when the role may not create it, with the statements an owner runs
     */
    public static void createIfMissing(
            Connection connection, TableName table, String ddl, String what, String privileges) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            exists.setString(1, table.quoted());
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next() && rs.getBoolean(1)) {
                    return;
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(ddl);
        } catch (SQLException e) {
            // Two relays starting together: CREATE TABLE IF NOT EXISTS can still collide in the catalog.
            if ("23505".equals(e.getSQLState()) || "42P07".equals(e.getSQLState())) {
                return;
            }
            if ("42501".equals(e.getSQLState())) {
                throw new RelayConfigurationException("Role may not create the " + what + " " + table + " ("
                        + e.getMessage().trim() + "). Create it as an owner and grant the relay's role " + privileges
                        + " on it: " + ddl.replaceAll("\\s+", " ") + ";");
            }
            throw e;
        }
    }
}
