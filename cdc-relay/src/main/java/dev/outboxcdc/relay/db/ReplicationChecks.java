package dev.outboxcdc.relay.db;

import dev.outboxcdc.relay.config.OutboxProperties;
import dev.outboxcdc.relay.config.RelayConfigurationException;
import dev.outboxcdc.relay.config.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up checks of what logical replication needs besides the table: the publication (created, inserts only,
 * when missing) and the replication slot (a logical {@code pgoutput} slot on the relay's database, when it exists).
 * Part of {@link StartupChecks}; same rules for errors.
 */
final class ReplicationChecks {

    private static final Logger log = LoggerFactory.getLogger(ReplicationChecks.class);

    private static final String PUBLICATION = """
            SELECT p.pubinsert, p.puballtables OR EXISTS (
                     SELECT 1 FROM pg_publication_tables t
                     WHERE t.pubname = p.pubname AND t.schemaname = ? AND t.tablename = ?)
            FROM pg_publication p WHERE p.pubname = ?""";
    private static final String SLOT = """
            SELECT plugin, database, slot_type FROM pg_replication_slots WHERE slot_name = ?""";

    /** SQLSTATE of CREATE PUBLICATION when another session created it first. */
    private static final String DUPLICATE_OBJECT = "42710";

    private final OutboxProperties config;

    ReplicationChecks(OutboxProperties config) {
        this.config = config;
    }

    /** Creates the publication of {@code table}'s inserts, or checks that the existing one publishes them. */
    void ensurePublication(Connection connection, TableName table) throws SQLException {
        String publication = config.publication();
        try (PreparedStatement statement = connection.prepareStatement(PUBLICATION)) {
            statement.setString(1, table.schema());
            statement.setString(2, table.table());
            statement.setString(3, publication);
            try (ResultSet rs = statement.executeQuery()) {
                if (rs.next()) {
                    if (!rs.getBoolean(1) || !rs.getBoolean(2)) {
                        throw new RelayConfigurationException(
                                "Publication " + publication + " exists but does not publish"
                                        + " inserts of " + table + ". Run: ALTER PUBLICATION " + publication
                                        + " ADD TABLE " + table
                                        + "; ALTER PUBLICATION " + publication + " SET (publish = 'insert');"
                                        + " or choose another name with OUTBOX_PUBLICATION.");
                    }
                    return;
                }
            }
        }
        String create =
                "CREATE PUBLICATION " + publication + " FOR TABLE " + table.quoted() + " WITH (publish = 'insert')";
        try (Statement statement = connection.createStatement()) {
            statement.execute(create);
            log.info("Created publication {} for table {} (inserts only)", publication, table);
        } catch (SQLException e) {
            if (DUPLICATE_OBJECT.equals(e.getSQLState())) {
                log.info("Publication {} was created by another relay starting at the same time", publication);
                return;
            }
            if ("42501".equals(e.getSQLState())) {
                throw new RelayConfigurationException("Publication " + publication + " does not exist and role '"
                        + config.db().user() + "' may not create it ("
                        + e.getMessage().trim() + "). As the table owner run: "
                        + create + ";");
            }
            throw e;
        }
    }

    /** Checks that an existing slot of the configured name is a logical {@code pgoutput} slot on this database. */
    void requireUsableSlot(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SLOT)) {
            statement.setString(1, config.slot());
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    log.info("Replication slot {} does not exist yet; it will be created", config.slot());
                    return;
                }
                String plugin = rs.getString(1);
                String database = rs.getString(2);
                if (!"logical".equals(rs.getString(3))
                        || !"pgoutput".equals(plugin)
                        || !config.db().name().equals(database)) {
                    throw new RelayConfigurationException("Replication slot " + config.slot() + " exists for plugin "
                            + plugin
                            + " on database " + database + ", but the relay needs a logical pgoutput slot on database "
                            + config.db().name() + ". Choose another name with OUTBOX_SLOT, or drop the old slot"
                            + " (SELECT pg_drop_replication_slot('" + config.slot() + "');) if nothing uses it.");
                }
            }
        }
    }
}
