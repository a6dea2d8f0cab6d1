package dev.outboxcdc.relay.config;

import dev.outboxcdc.envelope.OutboxAmqp;
import dev.outboxcdc.envelope.QueueType;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of cdc-relay, bound from the {@code outbox.*} Spring Boot properties (and so from
 * {@code OUTBOX_*} environment variables by relaxed binding). Every value is validated once, when
 * it is bound: a bad name or a bad combination stops the relay before it connects to anything,
 * with a message that names the property at fault.
 *
 * <p>Kept whole although long: its size is one documented, validated component per {@code outbox.*} property (and
 * the nested {@link Db} and {@link Rabbitmq} records), and Spring binds and validates them as one record.
 *
 * @param db                the PostgreSQL the outbox table lives in
 * @param table             the outbox table, {@code table} or {@code schema.table}
 * @param slot              the logical replication slot, created if missing
 * @param publication       the publication covering only the outbox table, created if missing
 * @param rabbitmq          the broker events are published to
 * @param exchange          the durable topic exchange events are published to
 * @param offsetTable       the table the relay keeps its offsets in, created if missing
 * @param cutoverTable      the table recording that an outbox table was cut over (its {@code PENDING} rows
 *                          published once); created if missing
 * @param pollInterval      how long the engine waits for more changes before handing over a batch
 * @param offsetCommitInterval how often the offsets of confirmed batches are stored and the slot's confirmed
 *                          position moved forward; a crash republishes at most this long's events plus the
 *                          batch in flight
 * @param maxBatchSize      the most changes published and confirmed as one batch
 * @param maxQueueSize      the most changes buffered between the WAL reader and the publisher
 * @param maxQueueBytes     the most bytes of changes buffered between the WAL reader and the publisher (the queue
 *                          takes one more change when it is below this, so it holds at most this plus one change)
 * @param maxBatchBytes     the most envelope bytes published and confirmed as one batch (a batch holds at least one
 *                          message, so a message larger than this is published alone)
 * @param heartbeatInterval how often the slot is moved forward while the outbox is quiet
 * @param confirmTimeout    how long to wait for RabbitMQ to confirm a batch before republishing it
 * @param publishWindow     the most events published before their confirms are awaited: 0 pipelines whole batches
 *                          (fastest); 1 confirms each event before the next is sent, so that even a nack can never
 *                          let an event be routed before one committed ahead of it (slower)
 * @param retryBackoff      first wait before reconnecting after a failure
 * @param maxRetryBackoff   the longest wait between reconnection attempts
 * @param publishPending    whether rows still {@code PENDING} are published once on the first start
 * @param maxEnvelopeSize   an envelope larger than this is dead-lettered instead of published
 * @param unroutedMaxLength the most messages queue {@code outbox.unrouted} holds; beyond it publishes are
 *                          refused and retried, never dropped
 * @param shutdownTimeout   how long a stop waits for in-flight confirms and the offset commit
 * @param standbyRetryInterval how often a standby relay tries to take over the slot
 * @param leaseTimeout      how long PostgreSQL waits for an active relay whose connections went silent (its
 *                          host died, its network was cut) before it ends them, releasing the relay's lease
 *                          ({@code idle_session_timeout}) and its slot ({@code wal_sender_timeout}); the
 *                          active relay stops streaming when its lease goes unconfirmed for 3/5 of it. A
 *                          standby takes over within this plus {@code standby-retry-interval} plus the engine's
 *                          start: at most 30 s with the defaults. At least 12s, as Debezium answers the
 *                          walsender every 10 s; shorter means a faster takeover but more lost leases on
 *                          long pauses (GC, a saturated host)
 * @param queueType         the type of queues {@code outbox.unrouted} and {@code outbox.dead-letter}: {@code classic}
 *                          or {@code quorum} (replicated over a cluster); an existing queue of the other type is kept
 */
@ConfigurationProperties("outbox")
public record OutboxProperties(
        @DefaultValue Db db,
        @DefaultValue(DEFAULT_TABLE) String table,
        @DefaultValue(DEFAULT_SLOT) String slot,
        @DefaultValue(DEFAULT_PUBLICATION) String publication,
        @DefaultValue Rabbitmq rabbitmq,
        @DefaultValue(DEFAULT_EXCHANGE) String exchange,
        @DefaultValue(DEFAULT_OFFSET_TABLE) String offsetTable,
        @DefaultValue(DEFAULT_CUTOVER_TABLE) String cutoverTable,
        @DefaultValue("1ms") Duration pollInterval,
        @DefaultValue("100ms") Duration offsetCommitInterval,
        @DefaultValue("2048") int maxBatchSize,
        @DefaultValue("16384") int maxQueueSize,
        @DefaultValue("8MB") DataSize maxQueueBytes,
        @DefaultValue("4MB") DataSize maxBatchBytes,
        @DefaultValue("10s") Duration heartbeatInterval,
        @DefaultValue("30s") Duration confirmTimeout,
        @DefaultValue("0") int publishWindow,
        @DefaultValue("1s") Duration retryBackoff,
        @DefaultValue("30s") Duration maxRetryBackoff,
        @DefaultValue("true") boolean publishPending,
        @DefaultValue("8MB") DataSize maxEnvelopeSize,
        @DefaultValue("1000000") long unroutedMaxLength,
        @DefaultValue("30s") Duration shutdownTimeout,
        @DefaultValue("2s") Duration standbyRetryInterval,
        @DefaultValue("15s") Duration leaseTimeout,
        @DefaultValue("classic") String queueType) {

    /** The parsed {@link #queueType()}. */
    public QueueType queueTypeValue() {
        return QueueType.parse(queueType);
    }

    /** Default outbox table. */
    public static final String DEFAULT_TABLE = "public.outbox_events";
    /** Default replication slot name. */
    public static final String DEFAULT_SLOT = "outbox_relay";
    /** Default publication name. */
    public static final String DEFAULT_PUBLICATION = "outbox_relay";
    /** Default exchange. */
    public static final String DEFAULT_EXCHANGE = OutboxAmqp.EVENTS_EXCHANGE;
    /** Smallest {@code outbox.lease-timeout}. */
    public static final Duration MIN_LEASE_TIMEOUT = Duration.ofSeconds(12);
    /** Default offset table. */
    public static final String DEFAULT_OFFSET_TABLE = "public.outbox_relay_offsets";
    /** Default cut-over table. */
    public static final String DEFAULT_CUTOVER_TABLE = "public.outbox_relay_cutover";

    /** Validates every setting; see the class documentation. */
    public OutboxProperties {
        Names.requireQualifiedName("outbox.table", table);
        Names.requireQualifiedName("outbox.offset-table", offsetTable);
        Names.requireQualifiedName("outbox.cutover-table", cutoverTable);
        Names.requireSlotName("outbox.slot", slot);
        Names.requireIdentifier("outbox.publication", publication);
        Names.requireExchangeName("outbox.exchange", exchange);
        try {
            QueueType.parse(queueType);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("outbox.queue-type", queueType, "must be classic or quorum");
        }
        requirePositive("outbox.poll-interval", pollInterval);
        requirePositive("outbox.offset-commit-interval", offsetCommitInterval);
        requirePositive("outbox.heartbeat-interval", heartbeatInterval);
        requirePositive("outbox.confirm-timeout", confirmTimeout);
        if (publishWindow < 0) {
            throw new InvalidSettingException(
                    "outbox.publish-window",
                    String.valueOf(publishWindow),
                    "must be 0 (whole batches) or a positive number of events");
        }
        requirePositive("outbox.retry-backoff", retryBackoff);
        requirePositive("outbox.max-retry-backoff", maxRetryBackoff);
        if (maxBatchSize < 1) {
            throw new InvalidSettingException(
                    "outbox.max-batch-size", String.valueOf(maxBatchSize), "must be at least 1");
        }
        if (maxQueueSize <= maxBatchSize) {
            throw new InvalidSettingException(
                    "outbox.max-queue-size",
                    String.valueOf(maxQueueSize),
                    "must be larger than outbox.max-batch-size (" + maxBatchSize + ")");
        }
        if (maxQueueBytes.toBytes() < 1024 * 1024) {
            throw new InvalidSettingException(
                    "outbox.max-queue-bytes", maxQueueBytes.toString(), "must be at least 1MB");
        }
        if (maxBatchBytes.toBytes() < 1024 || maxBatchBytes.toBytes() > maxQueueBytes.toBytes()) {
            throw new InvalidSettingException(
                    "outbox.max-batch-bytes",
                    maxBatchBytes.toString(),
                    "must be between 1KB and outbox.max-queue-bytes (" + maxQueueBytes + ")");
        }
        requirePositive("outbox.shutdown-timeout", shutdownTimeout);
        requirePositive("outbox.standby-retry-interval", standbyRetryInterval);
        if (leaseTimeout == null || leaseTimeout.compareTo(MIN_LEASE_TIMEOUT) < 0) {
            throw new InvalidSettingException(
                    "outbox.lease-timeout",
                    String.valueOf(leaseTimeout),
                    "must be at least 12s: PostgreSQL's walsender must hear from Debezium within it, which answers every 10 s");
        }
        if (unroutedMaxLength < 1) {
            throw new InvalidSettingException(
                    "outbox.unrouted-max-length", String.valueOf(unroutedMaxLength), "must be at least 1");
        }
        if (maxEnvelopeSize.toBytes() < 1024) {
            throw new InvalidSettingException(
                    "outbox.max-envelope-size", maxEnvelopeSize.toString(), "must be at least 1KB");
        }
    }

    /** The outbox table, parsed. */
    public TableName tableName() {
        return TableName.parse(table);
    }

    /** The offset table, parsed. */
    public TableName offsetTableName() {
        return TableName.parse(offsetTable);
    }

    /** The cut-over table, parsed. */
    public TableName cutoverTableName() {
        return TableName.parse(cutoverTable);
    }

    private static void requirePositive(String property, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidSettingException(
                    property, String.valueOf(value), "must be a positive duration such as 500ms or 10s");
        }
    }

    /**
     * The PostgreSQL connection.
     *
     * @param host     host name
     * @param port     port
     * @param name     database name
     * @param user     role; needs LOGIN REPLICATION and SELECT on the outbox table
     * @param password password, empty for trust or peer authentication
     * @param sslmode  libpq/pgjdbc {@code sslmode}: disable, allow, prefer, require, verify-ca, verify-full
     * @param sslrootcert CA certificate file for verify-ca/verify-full; empty for pgjdbc's default
     *                 ({@code ~/.postgresql/root.crt})
     */
    public record Db(
            @DefaultValue("localhost") String host,
            @DefaultValue("5432") int port,
            @DefaultValue("postgres") String name,
            @DefaultValue("postgres") String user,
            @DefaultValue("") String password,
            @DefaultValue("prefer") String sslmode,
            @DefaultValue("") String sslrootcert) {

        private static final java.util.Set<String> SSL_MODES =
                java.util.Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

        /** Validates the connection settings. */
        public Db {
            if (host == null || host.isBlank()) {
                throw new InvalidSettingException("outbox.db.host", host, "must not be empty");
            }
            if (port < 1 || port > 65535) {
                throw new InvalidSettingException(
                        "outbox.db.port", String.valueOf(port), "must be between 1 and 65535");
            }
            if (name == null || name.isBlank()) {
                throw new InvalidSettingException("outbox.db.name", name, "must not be empty");
            }
            if (user == null || user.isBlank()) {
                throw new InvalidSettingException("outbox.db.user", user, "must not be empty");
            }
            if (!SSL_MODES.contains(sslmode)) {
                throw new InvalidSettingException("outbox.db.sslmode", sslmode, "must be one of " + SSL_MODES);
            }
            password = password == null ? "" : password;
            sslrootcert = sslrootcert == null ? "" : sslrootcert;
        }

        /** Never prints the password. */
        @Override
        public String toString() {
            return "Db[" + user + "@" + host + ":" + port + "/" + name + ", sslmode=" + sslmode + "]";
        }
    }

    /**
     * The RabbitMQ connection.
     *
     * @param uri       AMQP URI, {@code amqp://} or {@code amqps://} for TLS
     * @param addresses the nodes of a cluster, {@code host[:port]} separated by commas, tried in order on every
     *                  connect; the URI then gives only the credentials, virtual host and TLS (empty: the URI's host)
     */
    public record Rabbitmq(
            @DefaultValue(DEFAULT_URI) String uri,
            @DefaultValue("") String addresses) {

        /** Default broker URI. */
        public static final String DEFAULT_URI = "amqp://guest:guest@localhost:5672/%2F";

        /** Validates the URI: scheme, host and port; the error messages never hold the password. */
        public Rabbitmq {
            if (uri == null || !(uri.startsWith("amqp://") || uri.startsWith("amqps://"))) {
                throw new InvalidSettingException(
                        "outbox.rabbitmq.uri", Secrets.maskUri(uri), "must start with amqp:// or amqps://");
            }
            java.net.URI parsed;
            try {
                parsed = new java.net.URI(uri);
            } catch (java.net.URISyntaxException e) {
                // The exception's message repeats the input, password and all: keep only the reason and where.
                throw new InvalidSettingException(
                        "outbox.rabbitmq.uri",
                        Secrets.maskUri(uri),
                        "is not a valid URI: "
                                + e.getReason() + " at index " + e.getIndex()
                                + " (percent-encode special characters in the user"
                                + " name and password, e.g. @ as %40)");
            }
            if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
                throw new InvalidSettingException(
                        "outbox.rabbitmq.uri",
                        Secrets.maskUri(uri),
                        "has no valid host name"
                                + " (expected amqp://user:password@host:port/vhost; percent-encode @ and : in the password)");
            }
            if (parsed.getPort() != -1 && (parsed.getPort() < 1 || parsed.getPort() > 65535)) {
                throw new InvalidSettingException(
                        "outbox.rabbitmq.uri", Secrets.maskUri(uri), "has a port outside 1-65535");
            }
            addresses = addresses == null ? "" : addresses.trim();
            for (String address : addressList(addresses)) {
                Matcher matcher = ADDRESS.matcher(address);
                if (!matcher.matches()
                        || (matcher.group(2) != null
                                && (Integer.parseInt(matcher.group(2)) < 1
                                        || Integer.parseInt(matcher.group(2)) > 65535))) {
                    throw new InvalidSettingException(
                            "outbox.rabbitmq.addresses",
                            Secrets.maskUri(addresses),
                            "'" + Secrets.maskUri(address)
                                    + "' is not host[:port] (port 1-65535; IPv6 in brackets), e.g. rabbit-1:5672,rabbit-2:5672");
                }
            }
        }

        private static final Pattern ADDRESS =
                Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9_.-]+)(?::(\\d{1,5}))?");

        /** The cluster nodes, {@code host[:port]} each, or empty for the URI's host. */
        public java.util.List<String> addressList() {
            return addressList(addresses);
        }

        private static java.util.List<String> addressList(String addresses) {
            return addresses.isEmpty()
                    ? java.util.List.of()
                    : java.util.Arrays.stream(addresses.split(",", -1))
                            .map(String::trim)
                            .toList();
        }

        /** Where the relay connects, for logs: the URI with its password masked, and the address list. */
        public String describe() {
            return Secrets.maskUri(uri) + (addresses.isEmpty() ? "" : " via " + addresses);
        }

        /** Never prints the password. */
        @Override
        public String toString() {
            return "Rabbitmq[" + describe() + "]";
        }
    }
}
