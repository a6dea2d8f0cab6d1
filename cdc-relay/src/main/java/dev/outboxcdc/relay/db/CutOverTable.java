package dev.outboxcdc.relay.db;

import dev.outboxcdc.relay.config.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The durable record that an outbox table was cut over to CDC: its leftover {@code PENDING} rows were
 * published once. One row per outbox table, kept apart from the offsets, so a start without stored
 * offsets (a lost or renamed offset table, a new slot name) never publishes the retained table again.
 */
public final class CutOverTable {

    private static final String DDL = """
            CREATE TABLE IF NOT EXISTS %s (
              outbox_table      text        PRIMARY KEY,
              slot              text        NOT NULL,
              pending_published bigint      NOT NULL,
              cut_over_at       timestamptz NOT NULL DEFAULT now()
            )""";

    private CutOverTable() {}

    /** The DDL of {@code table}, for an owner to run when the relay's role may not create it. */
    public static String ddl(TableName table) {
        return DDL.formatted(table.quoted());
    }

    /**
     * Creates the table if it does not exist; an existing table is left alone, so a relay role without
     * CREATE on the schema can use one its owner created (docs/least-privilege.sql).
     */
    public static void create(Connection connection, TableName table) throws SQLException {
        RelayTables.createIfMissing(connection, table, ddl(table), "cut-over table", "SELECT, INSERT");
    }

    /** Whether {@code outbox} was cut over already. */
    public static boolean isCutOver(Connection connection, TableName table, TableName outbox) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT 1 FROM " + table.quoted() + " WHERE outbox_table = ?")) {
            select.setString(1, outbox.qualified());
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Records that {@code outbox} was cut over by the relay on {@code slot}, having published {@code pending} rows. */
    public static void record(Connection connection, TableName table, TableName outbox, String slot, long pending)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table.quoted()
                + " (outbox_table, slot, pending_published) VALUES (?, ?, ?) ON CONFLICT (outbox_table) DO NOTHING")) {
            insert.setString(1, outbox.qualified());
            insert.setString(2, slot);
            insert.setLong(3, pending);
            insert.executeUpdate();
        }
    }
}
