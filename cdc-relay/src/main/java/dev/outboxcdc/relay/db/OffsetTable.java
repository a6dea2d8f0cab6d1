package dev.outboxcdc.relay.db;

import dev.outboxcdc.relay.config.RelayConfigurationException;
import dev.outboxcdc.relay.config.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The table the relay keeps its Debezium offsets in: one row per offset key. */
public final class OffsetTable {

    private static final String DDL = """
            CREATE TABLE IF NOT EXISTS %s (
              offset_key   text        PRIMARY KEY,
              offset_value text        NOT NULL,
              updated_at   timestamptz NOT NULL DEFAULT now()
            )""";

    private OffsetTable() {}

    /**
     * Creates the table if it does not exist. An existing table is left alone, so a relay role
     * without CREATE on the schema can use a table its owner created (docs/least-privilege.sql).
     */
    public static void create(Connection connection, TableName table) throws SQLException {
        RelayTables.createIfMissing(
                connection, table, DDL.formatted(table.quoted()), "offset table", "SELECT, INSERT, UPDATE, DELETE");
    }

    /** Whether offsets of the engine named {@code engineName} are stored in {@code table}. */
    public static boolean hasOffsets(Connection connection, TableName table, String engineName) throws SQLException {
        // Keys are Kafka Connect's JSON: ["<engine name>",{"server":"outbox"}].
        try (PreparedStatement select =
                connection.prepareStatement("SELECT 1 FROM " + table.quoted() + " WHERE starts_with(offset_key, ?)")) {
            select.setString(1, "[\"" + engineName + "\",");
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Checks that offsets can be written to {@code table}: upserts a probe row in a transaction that is rolled back.
     *
     * @throws RelayConfigurationException when the role may not write it
     * @throws SQLException when the write fails otherwise (retry later)
     */
    public static void requireWritable(Connection connection, TableName table) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement probe = connection.prepareStatement(upsert(table))) {
            probe.setString(1, "outbox-cdc:write-probe");
            probe.setString(2, "");
            probe.executeUpdate();
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new RelayConfigurationException("Role may not write offsets to " + table + " ("
                        + e.getMessage().trim() + "). Run: GRANT SELECT, INSERT, UPDATE, DELETE ON " + table
                        + " TO <relay role>;");
            }
            throw new SQLException("cannot write offsets to " + table + ": " + e.getMessage(), e.getSQLState(), e);
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
    }

    /** {@code UPSERT} of one offset. */
    public static String upsert(TableName table) {
        return "INSERT INTO " + table.quoted() + " (offset_key, offset_value, updated_at) VALUES (?, ?, now())"
                + " ON CONFLICT (offset_key) DO UPDATE SET offset_value = EXCLUDED.offset_value, updated_at = now()";
    }

    /** {@code DELETE} of one offset. */
    public static String delete(TableName table) {
        return "DELETE FROM " + table.quoted() + " WHERE offset_key = ?";
    }

    /** {@code SELECT} of every offset. */
    public static String selectAll(TableName table) {
        return "SELECT offset_key, offset_value FROM " + table.quoted();
    }
}
