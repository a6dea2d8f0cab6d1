package dev.outboxcdc.bench;

import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * The benchmark's PostgreSQL databases: one per relay and phase, named after the run, with the outbox table (and
 * optionally retained rows), dropped with their replication slots afterwards.
 */
final class BenchDatabases {

    private final BenchOptions options;
    private final String run;

    BenchDatabases(BenchOptions options, String run) {
        this.options = options;
        this.run = run;
    }

    /** Creates {@code bench_<run>_<suffix>} with the outbox table and {@code retained} old, published rows. */
    String create(String suffix, int retained) throws Exception {
        String name = "bench_" + run + "_" + suffix;
        try (var admin = DriverManager.getConnection(
                        options.jdbcUrl("postgres"), options.pgUser(), options.pgPassword());
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        try (var db = DriverManager.getConnection(options.jdbcUrl(name), options.pgUser(), options.pgPassword());
                Statement statement = db.createStatement()) {
            statement.execute(new String(
                    BenchDatabases.class
                            .getResourceAsStream("/dev/outboxcdc/writer/schema/outbox_events.sql")
                            .readAllBytes(),
                    StandardCharsets.UTF_8));
            statement.execute(
                    "CREATE INDEX outbox_events_pending_idx ON outbox_events (created_at) WHERE status = 'PENDING'");
            if (retained > 0) {
                statement.execute("INSERT INTO outbox_events (id, event_id, event_type, payload, status, created_at)"
                        + " SELECT gen_random_uuid(), gen_random_uuid(), 'bench.retained', '" + Workload.PAYLOAD
                        + "'::jsonb,"
                        + " 'PUBLISHED', now() - interval '1 day' FROM generate_series(1, " + retained + ")");
                statement.execute("VACUUM ANALYZE outbox_events");
            }
        }
        return name;
    }

    /** Drops database {@code name} and the replication slots in it. */
    void drop(String name) throws Exception {
        try (var admin = DriverManager.getConnection(
                        options.jdbcUrl("postgres"), options.pgUser(), options.pgPassword());
                Statement statement = admin.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '"
                    + name + "'");
            statement.execute("DROP DATABASE " + name + " WITH (FORCE)");
        }
    }

    /** {@code PostgreSQL <server_version>}. */
    String postgresVersion() throws Exception {
        try (var admin = DriverManager.getConnection(
                        options.jdbcUrl("postgres"), options.pgUser(), options.pgPassword());
                Statement statement = admin.createStatement();
                var rs = statement.executeQuery("SHOW server_version")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1);
        }
    }
}
