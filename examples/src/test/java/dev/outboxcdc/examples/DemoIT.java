package dev.outboxcdc.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.testsupport.TestServices;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** scripts/demo.sh in its short mode: every event written is published and consumed, and nothing is left behind. */
class DemoIT {

    private static final Pattern REPORT = Pattern.compile(
            "(?m)^demo: written=(\\d+) published=(\\d+) consumed=(\\d+) duplicates_skipped=(\\d+) p50_ms=([\\d.]+) p99_ms=([\\d.]+)"
                    + " publish_p50_ms=([\\d.]+) publish_p99_ms=([\\d.]+)$");
    /**
     * Generous bound on the medians: what the demo shows is milliseconds; the seconds it once showed came from
     * cold, CPU-starved JVMs and would fail here. Room is left for a busy shared machine.
     */
    private static final double MAX_MEDIAN_MS = 1000;

    @Test
    void theShortDemoPublishesAndConsumesEveryEventAndCleansUp() throws Exception {
        Path log = Files.createDirectories(Path.of("target")).resolve("demo-it.log");
        ProcessBuilder demo = new ProcessBuilder("bash", "../scripts/demo.sh", "--short", "--no-build")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        demo.environment().put("DEMO_PORT_BASE", String.valueOf(freePortBase()));
        Process process = demo.start();
        boolean finished = process.waitFor(8, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("demo finished:\n" + output).isTrue();
        assertThat(process.exitValue()).as("demo exit code:\n" + output).isZero();

        Matcher report = REPORT.matcher(output);
        assertThat(report.find()).as("the report line:\n" + output).isTrue();
        int expected = 100 + 20 + 10 + 25; // employees, approvals, budgets, asset assignments
        assertThat(Integer.parseInt(report.group(1))).as("written").isEqualTo(expected);
        assertThat(Integer.parseInt(report.group(2))).as("published").isEqualTo(expected);
        assertThat(Integer.parseInt(report.group(3))).as("consumed").isEqualTo(expected);
        double p50 = Double.parseDouble(report.group(5));
        double publishP50 = Double.parseDouble(report.group(7));
        assertThat(Double.parseDouble(report.group(6))).as("p99 ms").isGreaterThanOrEqualTo(p50);
        assertThat(Double.parseDouble(report.group(8))).as("publish p99 ms").isGreaterThanOrEqualTo(publishP50);
        assertThat(publishP50)
                .as("publish p50 ms, measured on a tap queue")
                .isPositive()
                .isLessThan(MAX_MEDIAN_MS);
        assertThat(p50).as("commit-to-effect p50 ms").isPositive().isLessThan(MAX_MEDIAN_MS);
        assertThat(output)
                .contains("warm-up: 3100 events")
                .contains("all applied")
                .contains("consumed by payroll")
                .contains("consumed by notification")
                .contains("consumed by accounting")
                .contains("consumed by personnel")
                .contains("commit-to-publish  paced p50")
                .contains("dropped slot outbox_demo");
        assertThat(output)
                .as("the report line is the driver's last")
                .containsPattern("publish_p99_ms=[\\d.]+\\R(demo: stopped everything)");

        try (Connection connection = TestServices.postgres().connect("postgres");
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT (SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'outbox_demo')"
                                + " + (SELECT count(*) FROM pg_database WHERE datname = 'outbox_demo')")) {
            rs.next();
            assertThat(rs.getLong(1)).as("no slot or database left behind").isZero();
        }
    }

    /** The first of five consecutive free ports. */
    private static int freePortBase() throws IOException {
        Random random = new Random();
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20_000 + random.nextInt(20_000);
            if (free(base) && free(base + 1) && free(base + 2) && free(base + 3) && free(base + 4)) {
                return base;
            }
        }
        throw new IllegalStateException("no five consecutive free ports");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
