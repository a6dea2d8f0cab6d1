package dev.outboxcdc.relay.db;

import dev.outboxcdc.relay.config.OutboxProperties;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How long PostgreSQL waits for an active relay whose connections went silent (its host died, its
 * network was cut) before a standby may take over, and how the active relay makes sure it stops
 * streaming first. Everything derives from one duration, {@code outbox.lease-timeout} (L):
 *
 * <ul>
 *   <li>the lease session has {@code idle_session_timeout = L} (PostgreSQL 14+): the server ends it,
 *       and so releases the advisory lock, once no lease check arrived for L;
 *   <li>the replication session has {@code wal_sender_timeout = L} (settable per connection since
 *       PostgreSQL 12): the walsender gives up the slot once the relay did not answer for L;
 *   <li>the active relay checks its lease every L/5 and a check on a silent connection fails after at
 *       most 2L/5, so it notices a silent lease session after at most 3/5 L and stops streaming,
 *       before the server can end it (at the earliest 4/5 L after the network went silent);
 *   <li>server-side TCP keepalives (idle L/3, then every L/5, 3 probes) and, on the lease session,
 *       {@code tcp_user_timeout = L} end the sessions of a dead host even where the two timeouts above
 *       are missing. Not on the replication session: a relay that stops reading while RabbitMQ is slow
 *       leaves the server a zero window, which {@code tcp_user_timeout} would count as dead.
 * </ul>
 *
 * <p>A frozen network does not close sockets and the peer's kernel may still acknowledge TCP
 * segments, so the TCP settings alone are not enough; the application-level timeouts are.
 *
 * @param lease the lease timeout L
 */
public record LeaseTimeouts(Duration lease) {

    /** First PostgreSQL major version with {@code idle_session_timeout}. */
    static final int IDLE_SESSION_TIMEOUT_SINCE = 14;
    /** First PostgreSQL major version where {@code wal_sender_timeout} can be set per connection. */
    static final int WAL_SENDER_TIMEOUT_PER_CONNECTION_SINCE = 12;

    private static final int KEEPALIVE_PROBES = 3;

    /**
     * Validates that the lease timeout is at least {@link OutboxProperties#MIN_LEASE_TIMEOUT}: the
     * walsender must hear from Debezium within it, and Debezium answers every 10 s
     * ({@code status.update.interval.ms}) even while its queue is full.
     */
    public LeaseTimeouts {
        if (lease == null || lease.compareTo(OutboxProperties.MIN_LEASE_TIMEOUT) < 0) {
            throw new IllegalArgumentException(
                    "lease timeout " + lease + " is shorter than " + OutboxProperties.MIN_LEASE_TIMEOUT);
        }
    }

    /** How often the active relay checks that it still holds its lease: L/5. */
    public Duration checkInterval() {
        return lease.dividedBy(5);
    }

    /**
     * The timeout given to one lease check, pgjdbc's {@code isValid}: L/5 in whole seconds. On a silent
     * connection {@code isValid(t)} returns false only after 2t (measured with pgjdbc 42.7.13 through a
     * frozen proxy: {@code isValid(5)} took 10 s, {@code isValid(2)} 4 s), so a check takes at most 2L/5.
     */
    public int checkTimeoutSeconds() {
        return (int) Math.max(1, lease.dividedBy(5).toSeconds());
    }

    /** The longest a lease check takes on a silent connection: twice {@link #checkTimeoutSeconds()}. */
    public Duration longestCheck() {
        return Duration.ofSeconds(2L * checkTimeoutSeconds());
    }

    /**
     * The session settings of the lease connection, applied with {@code set_config} where the server
     * knows them (so an older server degrades instead of refusing the connection).
     */
    Map<String, String> leaseSessionSettings() {
        Map<String, String> settings = new LinkedHashMap<>(keepalives());
        settings.put("tcp_user_timeout", lease.toMillis() + "ms");
        settings.put("idle_session_timeout", lease.toMillis() + "ms");
        return settings;
    }

    /**
     * The pgjdbc {@code options} (server settings sent at connection start) for Debezium's
     * connections, the replication connection among them, on a server of {@code serverMajorVersion}
     * (0 when not known yet: assumed recent).
     */
    public String replicationOptions(int serverMajorVersion) {
        Map<String, String> settings = new LinkedHashMap<>(keepalives());
        if (serverMajorVersion == 0 || serverMajorVersion >= WAL_SENDER_TIMEOUT_PER_CONNECTION_SINCE) {
            settings.put("wal_sender_timeout", lease.toMillis() + "ms");
        }
        return settings.entrySet().stream()
                .map(e -> "-c " + e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    private Map<String, String> keepalives() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(
                "tcp_keepalives_idle",
                String.valueOf(Math.max(1, lease.dividedBy(3).toSeconds())));
        settings.put(
                "tcp_keepalives_interval",
                String.valueOf(Math.max(1, lease.dividedBy(5).toSeconds())));
        settings.put("tcp_keepalives_count", String.valueOf(KEEPALIVE_PROBES));
        return settings;
    }
}
