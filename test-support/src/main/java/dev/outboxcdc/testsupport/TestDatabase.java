package dev.outboxcdc.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A database of its own for one test class or test. {@link #createOutboxTable()} reads the DDL that
 * outbox-writer ships, so a module using it has outbox-writer on its test class path.
 * {@link #close()} terminates the walsenders of
 * its replication slots, drops the slots (a leaked slot pins WAL forever) and drops the database.
 */
public final class TestDatabase implements AutoCloseable {

    /** Classpath location of the outbox table DDL shipped by outbox-writer. */
    public static final String OUTBOX_DDL = "/dev/outboxcdc/writer/schema/outbox_events.sql";
    /** Classpath location of the processed_events DDL shipped by outbox-writer. */
    public static final String PROCESSED_DDL = "/dev/outboxcdc/writer/schema/processed_events.sql";

    private final PostgresEndpoint server;
    private final String name;

    private TestDatabase(PostgresEndpoint server, String name) {
        this.server = server;
        this.name = name;
    }

    static TestDatabase create(PostgresEndpoint server) {
        String name = UniqueNames.of("outbox_test");
        try (Connection connection = server.connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return new TestDatabase(server, name);
    }

    /** The database name. */
    public String name() {
        return name;
    }

    /** The server. */
    public PostgresEndpoint server() {
        return server;
    }

    /** Opens a superuser connection to this database. */
    public Connection connect() throws SQLException {
        return server.connect(name);
    }

    /** Runs statements in auto-commit mode. */
    public void execute(String... statements) {
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + name + ": " + e.getMessage(), e);
        }
    }

    /** Runs a query returning one long. */
    public long queryLong(String sql) {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + name + ": " + e.getMessage(), e);
        }
    }

    /** Runs a query returning strings of its first column. */
    public List<String> queryStrings(String sql) {
        List<String> values = new ArrayList<>();
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + name + ": " + e.getMessage(), e);
        }
    }

    /** Creates the standard outbox table (outbox-writer's DDL). */
    public void createOutboxTable() {
        execute(resource(OUTBOX_DDL));
    }

    /** Creates the processed_events table (outbox-writer's DDL). */
    public void createProcessedEventsTable() {
        execute(resource(PROCESSED_DDL));
    }

    /** Names of the replication slots on this database. */
    public List<String> slots() {
        List<String> slots = new ArrayList<>();
        try (Connection connection = server.connect("postgres");
                PreparedStatement statement =
                        connection.prepareStatement("SELECT slot_name FROM pg_replication_slots WHERE database = ?")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    slots.add(rs.getString(1));
                }
            }
            return slots;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list slots of " + name, e);
        }
    }

    /** Terminates the walsenders of this database's slots and drops the slots. */
    public void dropSlots() {
        try (Connection connection = server.connect("postgres");
                Statement statement = connection.createStatement()) {
            for (int attempt = 0; attempt < 50 && !slots().isEmpty(); attempt++) {
                statement.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                        + " WHERE database = '" + name + "' AND active_pid IS NOT NULL");
                try {
                    statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                            + " WHERE database = '" + name + "' AND NOT active");
                } catch (SQLException e) {
                    // A slot became active again between the two statements; the next attempt terminates it.
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop the slots of " + name, e);
        }
        if (!slots().isEmpty()) {
            throw new IllegalStateException("replication slots of " + name + " could not be dropped: " + slots());
        }
    }

    @Override
    public void close() {
        dropSlots();
        try (Connection connection = server.connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name, e);
        }
    }

    static String resource(String path) {
        try (InputStream in = TestDatabase.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(
                        "missing classpath resource " + path + " (it ships with outbox-writer)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
