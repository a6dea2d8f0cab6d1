package dev.outboxcdc.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A PostgreSQL server the tests may create databases on, as a superuser.
 *
 * @param host     host
 * @param port     port
 * @param user     superuser
 * @param password its password, empty for none
 */
public record PostgresEndpoint(String host, int port, String user, String password) {

    /** JDBC URL of {@code database}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** Opens a connection to {@code database} as the superuser. */
    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (!password.isEmpty()) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "outbox-cdc-tests");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    /** Creates a fresh database with a unique name; closing it drops its slots and itself. */
    public TestDatabase createDatabase() {
        return TestDatabase.create(this);
    }

    void requireLogicalWal() {
        try (Connection connection = connect("postgres");
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SHOW wal_level")) {
            rs.next();
            if (!"logical".equals(rs.getString(1))) {
                throw new IllegalStateException("PostgreSQL at " + host + ":" + port + " runs with wal_level="
                        + rs.getString(1) + "; the tests need wal_level=logical (scripts/test.sh sets it up)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot connect to PostgreSQL at " + host + ":" + port + " as " + user + ": " + e.getMessage(), e);
        }
    }
}
