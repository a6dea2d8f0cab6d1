package dev.outboxcdc.relay.db;

import dev.outboxcdc.relay.config.OutboxProperties;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens plain JDBC connections to the outbox database, with the relay's name on them, and remembers
 * the server's major version (thread-safe).
 */
public final class PgConnections {

    /** {@code application_name} of the relay's own sessions, visible in {@code pg_stat_activity}. */
    public static final String APPLICATION_NAME = "cdc-relay";

    private final OutboxProperties.Db db;
    private volatile int serverMajorVersion;

    /** Creates a connection factory for {@code db}. */
    public PgConnections(OutboxProperties.Db db) {
        this.db = db;
    }

    /** The JDBC URL, without credentials. */
    public String url() {
        return "jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + db.name();
    }

    /** Opens a new connection in auto-commit mode; the caller closes it. */
    public Connection open() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", db.user());
        if (!db.password().isEmpty()) {
            props.setProperty("password", db.password());
        }
        props.setProperty("sslmode", db.sslmode());
        if (!db.sslrootcert().isEmpty()) {
            props.setProperty("sslrootcert", db.sslrootcert());
        }
        props.setProperty("ApplicationName", APPLICATION_NAME);
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "60");
        props.setProperty("tcpKeepAlive", "true");
        Connection connection = DriverManager.getConnection(url(), props);
        try {
            serverMajorVersion = connection.getMetaData().getDatabaseMajorVersion();
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /** The major version of the server a connection was last opened to, 0 before the first one. */
    public int serverMajorVersion() {
        return serverMajorVersion;
    }

    /**
     * Whether {@code e} means "the database cannot be reached right now" (down, restarting,
     * network), as opposed to a problem an operator must fix.
     */
    public static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return true;
        }
        return state.startsWith("08") // connection exception
                || state.startsWith("57P") // admin shutdown, crash shutdown, cannot connect now
                || state.startsWith("53") // insufficient resources (too many connections)
                || state.equals("40001")
                || state.equals("40P01"); // serialization failure, deadlock
    }
}
