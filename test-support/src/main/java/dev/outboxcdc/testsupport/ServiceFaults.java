package dev.outboxcdc.testsupport;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The commands fault tests break the real services with, from environment variables that
 * scripts/services.sh sets for the local services.
 */
public final class ServiceFaults {

    /** Restarts PostgreSQL, e.g. {@code pg_ctlcluster --skip-systemctl-redirect 15 main restart}. */
    public static final String PG_RESTART = "OUTBOX_TEST_PG_RESTART";
    /** Stops PostgreSQL (fast shutdown: sessions are terminated), e.g. {@code pg_ctlcluster … 15 main stop -m fast}. */
    public static final String PG_STOP = "OUTBOX_TEST_PG_STOP";
    /** Starts the PostgreSQL {@link #PG_STOP} stopped. */
    public static final String PG_START = "OUTBOX_TEST_PG_START";
    /** Path of rabbitmqctl for the broker under test. */
    public static final String RABBITMQCTL = "OUTBOX_TEST_RABBITMQCTL";

    private ServiceFaults() {}

    /** Restarts PostgreSQL. */
    public static void restartPostgres() {
        shell(required(PG_RESTART, "a command that restarts the test PostgreSQL"));
    }

    /** Stops PostgreSQL; every session is terminated and new connections are refused until {@link #startPostgres()}. */
    public static void stopPostgres() {
        shell(required(PG_STOP, "a command that stops the test PostgreSQL"));
    }

    /** Starts PostgreSQL again after {@link #stopPostgres()}. */
    public static void startPostgres() {
        shell(required(PG_START, "a command that starts the test PostgreSQL"));
    }

    /** Closes every client connection of the broker. */
    public static void closeAllBrokerConnections() {
        run(List.of(
                required(RABBITMQCTL, "the path of rabbitmqctl for the test RabbitMQ"),
                "close_all_connections",
                "outbox-cdc fault test"));
    }

    /** Runs rabbitmqctl with {@code arguments}. */
    public static void rabbitmqctl(String... arguments) {
        List<String> command = new java.util.ArrayList<>();
        command.add(required(RABBITMQCTL, "the path of rabbitmqctl for the test RabbitMQ"));
        command.addAll(List.of(arguments));
        run(command);
    }

    private static void shell(String command) {
        run(List.of("sh", "-c", command));
    }

    private static String required(String variable, String what) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(
                    "Set " + variable + " to " + what + " (scripts/test.sh sets it for local services)");
        }
        return value;
    }

    private static void run(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + new String(output));
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + " was interrupted", e);
        }
    }
}
