package dev.outboxcdc.examples.demo;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What the demo reads from its database: the events the services wrote ({@code outbox_events}) and the
 * effects the consumers applied ({@code processed_events}), by the writing transaction's {@code created_at}.
 * Commit-to-effect is {@code processed_at} (the consuming transaction's start, just before the handler runs)
 * minus {@code created_at}; both are PostgreSQL's clock.
 */
final class DemoDatabase {

    /** Commit-to-effect of one consumer (or of all, as {@code ALL}) over a window of writes. */
    record Effects(long count, double p50Ms, double p95Ms, double p99Ms, Instant lastEffect) {}

    /** The key of the row over all consumers. */
    static final String ALL = "";

    private static final String EFFECTS = """
            SELECT coalesce(p.consumer, ''), count(*),
                   percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM p.processed_at - o.created_at)::float8 * 1000),
                   max(p.processed_at)
            FROM processed_events p JOIN outbox_events o ON o.event_id = p.event_id
            WHERE o.created_at >= ? AND o.created_at < ?
            GROUP BY ROLLUP (p.consumer)""";
    private static final String WRITTEN = """
            SELECT event_type, count(*) FROM outbox_events WHERE created_at >= ? AND created_at < ? GROUP BY event_type""";

    private final Connection db;

    DemoDatabase(Connection db) {
        this.db = db;
    }

    /** The database's clock now. */
    Instant now() throws SQLException {
        try (PreparedStatement statement = db.prepareStatement("SELECT clock_timestamp()");
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    /** Effects per consumer (and over all of them, key {@link #ALL}) of the events written in [from, to). */
    Map<String, Effects> effects(Instant from, Instant to) throws SQLException {
        Map<String, Effects> effects = new HashMap<>();
        try (PreparedStatement statement = db.prepareStatement(EFFECTS)) {
            statement.setTimestamp(1, Timestamp.from(from));
            statement.setTimestamp(2, Timestamp.from(to));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    if (rs.getLong(2) == 0) {
                        continue; // the total of no rows at all
                    }
                    double[] ms = millis(rs.getArray(3));
                    effects.put(
                            rs.getString(1),
                            new Effects(
                                    rs.getLong(2),
                                    ms[0],
                                    ms[1],
                                    ms[2],
                                    rs.getTimestamp(4).toInstant()));
                }
            }
        }
        return effects;
    }

    /** Events written in [from, to) per event type. */
    Map<String, Long> written(Instant from, Instant to) throws SQLException {
        Map<String, Long> written = new HashMap<>();
        try (PreparedStatement statement = db.prepareStatement(WRITTEN)) {
            statement.setTimestamp(1, Timestamp.from(from));
            statement.setTimestamp(2, Timestamp.from(to));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    written.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return written;
    }

    private static double[] millis(Array quantiles) throws SQLException {
        Object[] values = (Object[]) quantiles.getArray();
        double[] ms = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            ms[i] = ((Number) values[i]).doubleValue();
        }
        return ms;
    }
}
