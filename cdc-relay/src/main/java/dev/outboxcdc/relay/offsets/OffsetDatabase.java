package dev.outboxcdc.relay.offsets;

import dev.outboxcdc.relay.config.TableName;
import dev.outboxcdc.relay.db.OffsetTable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offset table as the {@link PostgresOffsetBackingStore} reads and writes it, over one connection of its own,
 * opened on first use and again after a failure. Keys and values are Kafka Connect's serialised bytes, stored as
 * UTF-8 text. Thread-safe (synchronized), though the store uses it from its single executor thread.
 */
final class OffsetDatabase {

    private static final Logger log = LoggerFactory.getLogger(OffsetDatabase.class);

    private final String url;
    private final Properties connectionProperties;
    private final TableName table;
    private Connection connection;

    OffsetDatabase(String url, Properties connectionProperties, TableName table) {
        this.url = url;
        this.connectionProperties = connectionProperties;
        this.table = table;
    }

    /** Every stored offset. */
    synchronized Map<ByteBuffer, ByteBuffer> readAll() throws SQLException {
        Map<ByteBuffer, ByteBuffer> loaded = new HashMap<>();
        try (Statement statement = connection().createStatement();
                ResultSet rs = statement.executeQuery(OffsetTable.selectAll(table))) {
            while (rs.next()) {
                loaded.put(bytes(rs.getString(1)), bytes(rs.getString(2)));
            }
        }
        return loaded;
    }

    /** Writes {@code values} in one transaction: a null value deletes its key. */
    synchronized void write(Map<ByteBuffer, ByteBuffer> values) throws SQLException {
        Connection db = connection();
        db.setAutoCommit(false);
        try (Statement asynchronous = db.createStatement()) {
            // Offsets are written every outbox.offset-commit-interval (100 ms by default). Not waiting for the WAL
            // flush of each write saves a disk sync; a database crash can only lose the newest offsets, so more is
            // republished, nothing lost.
            asynchronous.execute("SET LOCAL synchronous_commit TO off");
        }
        try (PreparedStatement upsert = db.prepareStatement(OffsetTable.upsert(table));
                PreparedStatement delete = db.prepareStatement(OffsetTable.delete(table))) {
            for (Map.Entry<ByteBuffer, ByteBuffer> entry : values.entrySet()) {
                if (entry.getValue() == null) {
                    delete.setString(1, text(entry.getKey()));
                    delete.executeUpdate();
                } else {
                    upsert.setString(1, text(entry.getKey()));
                    upsert.setString(2, text(entry.getValue()));
                    upsert.executeUpdate();
                }
            }
            db.commit();
        } catch (SQLException e) {
            try {
                db.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
    }

    /** Closes the connection; the next read or write opens a new one. */
    synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("Closing the offset connection failed", e);
            }
            connection = null;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(url, connectionProperties);
        }
        return connection;
    }

    static byte[] toArray(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] array = new byte[copy.remaining()];
        copy.get(array);
        return array;
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ByteBuffer buffer) {
        return new String(toArray(buffer), StandardCharsets.UTF_8);
    }
}
