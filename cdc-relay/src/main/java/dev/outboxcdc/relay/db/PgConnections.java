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

    private static final int CONNECT_TIMEOUT_SECONDS = 10;
    private static final int SOCKET_TIMEOUT_SECONDS = 60;

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

    /**
     * The pgjdbc properties of every session the relay opens itself, its own and the offset store's: credentials,
     * TLS, the session's name and the connect and socket timeouts.
     *
     * @param password    empty for trust or peer authentication
     * @param sslrootcert empty for pgjdbc's default
     */
    public static Properties connectionProperties(
            String user, String password, String sslmode, String sslrootcert, String applicationName) {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (!password.isEmpty()) {
            props.setProperty("password", password);
        }
        props.setProperty("sslmode", sslmode);
        if (!sslrootcert.isEmpty()) {
            props.setProperty("sslrootcert", sslrootcert);
        }
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
        return props;
    }

    /** Opens a new connection in auto-commit mode; the caller closes it. */
    public Connection open() throws SQLException {
        Properties props =
                connectionProperties(db.user(), db.password(), db.sslmode(), db.sslrootcert(), APPLICATION_NAME);
        // The lease session's host may die silently: let the kernel probe the connection too.
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
