package dev.outboxcdc.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.containers.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Where the tests of every module find PostgreSQL (with {@code wal_level=logical}) and RabbitMQ.
 *
 * <ol>
 *   <li>The endpoints in the environment: {@value #PG_HOST}, {@value #PG_PORT}, {@value #PG_USER},
 *       {@value #PG_PASSWORD} and {@value #RABBITMQ_URI} ({@code scripts/test.sh} sets them).</li>
 *   <li>Else, when a Docker engine is reachable, containers started by Testcontainers, once per JVM, from
 *       {@value #POSTGRES_IMAGE} and {@value #RABBITMQ_IMAGE} (default {@code postgres:15} and
 *       {@code rabbitmq:3.13-management}). With {@value #DOCKER_NETWORK}{@code =host} they run on the host's
 *       network, on free loopback ports the test picks, for engines without bridge networking
 *       ({@code scripts/check-testcontainers.sh}); otherwise on the engine's default network with mapped ports.</li>
 *   <li>Else a failure whose message names the variables to set: a test without its services
 *       fails, it is never skipped.</li>
 * </ol>
 */
public final class TestServices {

    /** Host of a PostgreSQL with wal_level=logical. */
    public static final String PG_HOST = "OUTBOX_TEST_PG_HOST";
    /** Its port (default 5432). */
    public static final String PG_PORT = "OUTBOX_TEST_PG_PORT";
    /** A superuser (default postgres): tests create databases and roles. */
    public static final String PG_USER = "OUTBOX_TEST_PG_USER";
    /** Its password (default empty). */
    public static final String PG_PASSWORD = "OUTBOX_TEST_PG_PASSWORD";
    /** AMQP URI of RabbitMQ, e.g. amqp://guest:guest@127.0.0.1:5672/%2F. */
    public static final String RABBITMQ_URI = "OUTBOX_TEST_RABBITMQ_URI";
    /** Testcontainers only: {@code host} puts the containers on the host's network instead of publishing ports. */
    public static final String DOCKER_NETWORK = "OUTBOX_TEST_DOCKER_NETWORK";
    /** Testcontainers only: the PostgreSQL image, a compatible substitute for {@code postgres}. */
    public static final String POSTGRES_IMAGE = "OUTBOX_TEST_POSTGRES_IMAGE";
    /** Testcontainers only: the RabbitMQ image, a compatible substitute for {@code rabbitmq}. */
    public static final String RABBITMQ_IMAGE = "OUTBOX_TEST_RABBITMQ_IMAGE";

    /** A container's service must answer within this (two busy cores start RabbitMQ in ~15 s). */
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);
    /** Host-network ports are picked in [FIRST_PORT, LAST_PORT]: below the kernel's ephemeral range. */
    private static final int FIRST_PORT = 20000;
    /** See {@link #FIRST_PORT}. */
    private static final int LAST_PORT = 32767;

    private static final String LOOPBACK = "127.0.0.1";
    private static final List<String> POSTGRES_COMMAND = List.of(
            "postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=32", "-c", "max_wal_senders=32");

    private static PostgresEndpoint postgres;
    private static RabbitEndpoint rabbitmq;
    /** Ports handed out to host-network containers: a port is free until its container binds it. */
    private static final Set<Integer> handedOutPorts = new HashSet<>();

    private TestServices() {}

    /** The PostgreSQL to test against. */
    public static synchronized PostgresEndpoint postgres() {
        if (postgres == null) {
            String host = System.getenv(PG_HOST);
            if (host != null && !host.isBlank()) {
                postgres = new PostgresEndpoint(
                        host, Integer.parseInt(env(PG_PORT, "5432")), env(PG_USER, "postgres"), env(PG_PASSWORD, ""));
            } else {
                requireDocker();
                postgres = hostNetwork() ? startPostgresOnHostNetwork() : startPostgres();
            }
            postgres.requireLogicalWal();
        }
        return postgres;
    }

    /** The RabbitMQ to test against. */
    public static synchronized RabbitEndpoint rabbitmq() {
        if (rabbitmq == null) {
            String uri = System.getenv(RABBITMQ_URI);
            if (uri != null && !uri.isBlank()) {
                rabbitmq = new RabbitEndpoint(uri);
            } else {
                requireDocker();
                rabbitmq = hostNetwork() ? startRabbitMqOnHostNetwork() : startRabbitMq();
            }
        }
        return rabbitmq;
    }

    private static PostgresEndpoint startPostgres() {
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>(image(POSTGRES_IMAGE, "postgres:15", "postgres"))
                .withCommand(POSTGRES_COMMAND.toArray(String[]::new));
        container.start();
        return new PostgresEndpoint(
                container.getHost(),
                container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT),
                container.getUsername(),
                container.getPassword());
    }

    /**
     * PostgreSQL on the host's network: it listens on a free port of the loopback interface only, and is
     * ready once a JDBC connection succeeds (the image's first-start server listens on no TCP port). A plain
     * container of the postgres image, not a {@link PostgreSQLContainer}: that one builds its JDBC URL from a
     * mapped port once started, and there is none.
     */
    private static PostgresEndpoint startPostgresOnHostNetwork() {
        int port = freePort();
        PostgresEndpoint endpoint = new PostgresEndpoint(LOOPBACK, port, "test", "test");
        List<String> command = new ArrayList<>(POSTGRES_COMMAND);
        command.addAll(List.of("-c", "port=" + port, "-c", "listen_addresses=" + LOOPBACK));
        GenericContainer<?> container = new GenericContainer<>(image(POSTGRES_IMAGE, "postgres:15", "postgres"))
                .withEnv("POSTGRES_USER", endpoint.user())
                .withEnv("POSTGRES_PASSWORD", endpoint.password())
                .withCommand(command.toArray(String[]::new));
        onHostNetwork(container);
        container.waitingFor(new ProbeWaitStrategy(
                        "PostgreSQL on port " + port,
                        () -> endpoint.connect("postgres").close())
                .withStartupTimeout(STARTUP_TIMEOUT));
        container.start();
        return endpoint;
    }

    private static RabbitEndpoint startRabbitMq() {
        RabbitMQContainer container = rabbitMqContainer();
        container.start();
        return new RabbitEndpoint(container.getAmqpUrl().replace("amqp://", "amqp://guest:guest@") + "/%2F");
    }

    /**
     * RabbitMQ on the host's network: every port it opens (AMQP, Erlang distribution, its own epmd, the
     * management and Prometheus listeners of the -management image) is a free one on the loopback interface,
     * and its node name is its own, so it never meets a RabbitMQ the host runs on 5672 and epmd 4369.
     */
    private static RabbitEndpoint startRabbitMqOnHostNetwork() {
        int amqp = freePort();
        RabbitEndpoint endpoint = new RabbitEndpoint("amqp://guest:guest@" + LOOPBACK + ":" + amqp + "/%2F");
        RabbitMQContainer container = rabbitMqContainer()
                .withEnv("RABBITMQ_NODENAME", "outbox-test-" + amqp + "@localhost")
                .withEnv("RABBITMQ_NODE_IP_ADDRESS", LOOPBACK)
                .withEnv("RABBITMQ_NODE_PORT", Integer.toString(amqp))
                .withEnv("RABBITMQ_DIST_PORT", Integer.toString(freePort()))
                .withEnv("ERL_EPMD_PORT", Integer.toString(freePort()))
                .withEnv("ERL_EPMD_ADDRESS", LOOPBACK)
                .withEnv(
                        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS",
                        "-rabbitmq_management tcp_config [{ip,\"" + LOOPBACK + "\"},{port," + freePort() + "}]"
                                + " -rabbitmq_prometheus tcp_config [{ip,\"" + LOOPBACK + "\"},{port," + freePort()
                                + "}]");
        onHostNetwork(container);
        container.waitingFor(new ProbeWaitStrategy(
                        "RabbitMQ on port " + amqp,
                        () -> endpoint.factory()
                                .newConnection("outbox-tests-readiness")
                                .close())
                .withStartupTimeout(STARTUP_TIMEOUT));
        container.start();
        return endpoint;
    }

    /**
     * The partitioned subscriptions need the consistent-hash exchange, a plugin every RabbitMQ ships and none
     * enables by default (scripts/services.sh enables it on the local broker); Testcontainers enables it with
     * rabbitmq-plugins once the node is up.
     */
    private static RabbitMQContainer rabbitMqContainer() {
        return new RabbitMQContainer(image(RABBITMQ_IMAGE, "rabbitmq:3.13-management", "rabbitmq"))
                .withPluginsEnabled("rabbitmq_consistent_hash_exchange");
    }

    /**
     * No published ports on the host's network: Testcontainers waits (5 s) for every exposed port to be
     * mapped before it even starts waiting for readiness, and gives the container up when they are not (it stops,
     * exit code 0, after about 5 s), so the exposed ports go.
     */
    private static void onHostNetwork(GenericContainer<?> container) {
        container.withNetworkMode("host");
        container.setExposedPorts(List.of());
    }

    private static DockerImageName image(String variable, String official, String compatibleWith) {
        String name = env(variable, official);
        DockerImageName image = DockerImageName.parse(name);
        return name.equals(official) ? image : image.asCompatibleSubstituteFor(compatibleWith);
    }

    private static boolean hostNetwork() {
        return "host".equals(env(DOCKER_NETWORK, ""));
    }

    /** A port nothing listens on now, on the loopback interface, outside the ephemeral range, not handed out yet. */
    private static synchronized int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST_PORT, LAST_PORT + 1);
            if (handedOutPorts.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(LOOPBACK))) {
                handedOutPorts.add(port);
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("No free port between " + FIRST_PORT + " and " + LAST_PORT + " on " + LOOPBACK);
    }

    private static void requireDocker() {
        boolean docker;
        RuntimeException failure = null;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            // e.g. Testcontainers believes it runs in a container (/.dockerenv) and looks for the gateway of a
            // "bridge" network the engine does not have: TESTCONTAINERS_HOST_OVERRIDE answers that question.
            docker = false;
            failure = e;
        }
        if (!docker) {
            throw new IllegalStateException(
                    "No PostgreSQL/RabbitMQ for the tests: set " + PG_HOST + ", " + PG_PORT + ", " + PG_USER + ", "
                            + PG_PASSWORD + " (a PostgreSQL with wal_level=logical) and " + RABBITMQ_URI
                            + ", or make a Docker engine reachable for Testcontainers"
                            + (failure == null ? "" : " (it failed: " + failure + ")")
                            + ". scripts/test.sh provisions local services and sets these variables.",
                    failure);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
