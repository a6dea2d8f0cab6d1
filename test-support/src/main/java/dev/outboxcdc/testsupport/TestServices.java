package dev.outboxcdc.testsupport;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.containers.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Where the tests of every module find PostgreSQL (with {@code wal_level=logical}) and RabbitMQ.
 *
 * <ol>
 *   <li>The endpoints in the environment: {@value #PG_HOST}, {@value #PG_PORT}, {@value #PG_USER},
 *       {@value #PG_PASSWORD} and {@value #RABBITMQ_URI} ({@code scripts/test.sh} sets them).</li>
 *   <li>Else, when a Docker engine is reachable, containers started by Testcontainers, once per JVM.</li>
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

    private static PostgresEndpoint postgres;
    private static RabbitEndpoint rabbitmq;

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
                PostgreSQLContainer<?> container = new PostgreSQLContainer<>(DockerImageName.parse("postgres:15"))
                        .withCommand(
                                "postgres",
                                "-c",
                                "wal_level=logical",
                                "-c",
                                "max_replication_slots=32",
                                "-c",
                                "max_wal_senders=32");
                container.start();
                postgres = new PostgresEndpoint(
                        container.getHost(),
                        container.getMappedPort(5432),
                        container.getUsername(),
                        container.getPassword());
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
                RabbitMQContainer container = new RabbitMQContainer(DockerImageName.parse("rabbitmq:3.13-management"));
                container.start();
                rabbitmq =
                        new RabbitEndpoint(container.getAmqpUrl().replace("amqp://", "amqp://guest:guest@") + "/%2F");
            }
        }
        return rabbitmq;
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
