package dev.outboxcdc.relay.faults;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The commands fault tests break the real services with; scripts/test.sh sets them for local services. */
final class FaultCommands {

    /** Restarts PostgreSQL, e.g. {@code pg_ctlcluster --skip-systemctl-redirect 15 main restart}. */
    static final String PG_RESTART = "OUTBOX_TEST_PG_RESTART";
    /** Path of rabbitmqctl for the broker under test. */
    static final String RABBITMQCTL = "OUTBOX_TEST_RABBITMQCTL";

    private FaultCommands() {
    }

    static void restartPostgres() throws IOException, InterruptedException {
        run(List.of("sh", "-c", required(PG_RESTART, "a command that restarts the test PostgreSQL")));
    }

    static void closeAllBrokerConnections() throws IOException, InterruptedException {
        run(List.of(required(RABBITMQCTL, "the path of rabbitmqctl for the test RabbitMQ"), "close_all_connections",
                "outbox-cdc fault test"));
    }

    private static String required(String variable, String what) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("Set " + variable + " to " + what + " (scripts/test.sh sets it for local services)");
        }
        return value;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + new String(output));
        }
    }
}
