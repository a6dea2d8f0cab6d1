package dev.outboxcdc.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * cdc-relay as operators run it, in a process of its own configured by environment variables, in one of two ways:
 * {@value BenchOptions#PLAIN} is {@code java -jar cdc-relay.jar} as built, with no JVM options (the README's way
 * anywhere else); {@value BenchOptions#IMAGE} is what {@code docker/cdc-relay.Dockerfile} runs: the jar copied
 * by {@code scripts/relay-cds.sh} with its class-data sharing archive, the shipped JVM options
 * ({@code scripts/relay-jvm-options}) in {@code JAVA_TOOL_OPTIONS}.
 */
final class CdcRelay implements Relay {

    /** The JVM options the image sets in JAVA_TOOL_OPTIONS: scripts/relay-jvm-options. */
    static final String SHIPPED_JVM_OPTIONS = shippedJvmOptions();
    /** JVM options added to both variants' command lines (a profiler, say); none by default. */
    static final String EXTRA_JVM_OPTIONS =
            System.getenv().getOrDefault("OUTBOX_BENCH_RELAY_JVM_OPTS", "").trim();

    private final BenchOptions options;
    private final String variant;
    private final String database;
    private final String exchange;
    private final String slot;
    private final Path log;
    private Process process;
    private int port;
    private long peakRssKb = -1;

    CdcRelay(BenchOptions options, String variant, String database, String exchange, String slot, Path log) {
        if (!BenchOptions.PLAIN.equals(variant) && !BenchOptions.IMAGE.equals(variant)) {
            throw new IllegalArgumentException("not a cdc-relay variant: " + variant);
        }
        this.options = options;
        this.variant = variant;
        this.database = database;
        this.exchange = exchange;
        this.slot = slot;
        this.log = log;
    }

    /** The command line of {@code variant}, {@code java} first; for the table and to start it. */
    static List<String> command(BenchOptions options, String variant) {
        List<String> command = new ArrayList<>(List.of("java"));
        if (!EXTRA_JVM_OPTIONS.isEmpty()) {
            command.addAll(Arrays.asList(EXTRA_JVM_OPTIONS.split("\\s+")));
        }
        if (BenchOptions.IMAGE.equals(variant)) {
            command.add("-XX:SharedArchiveFile=" + options.relayImageDir().resolve("cdc-relay.jsa"));
            command.addAll(List.of(
                    "-jar", options.relayImageDir().resolve("cdc-relay.jar").toString()));
        } else {
            command.addAll(List.of("-jar", options.relayJar().toString()));
        }
        return command;
    }

    @Override
    public String name() {
        return variant;
    }

    @Override
    public double start() throws Exception {
        if (BenchOptions.IMAGE.equals(variant)
                && !Files.isRegularFile(options.relayImageDir().resolve("cdc-relay.jsa"))) {
            throw new IllegalStateException("no class-data sharing archive in " + options.relayImageDir()
                    + ": prepare it with scripts/relay-cds.sh " + options.relayJar() + " " + options.relayImageDir());
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = command(options, variant);
        command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        var env = builder.environment();
        // Only what the variant sets reaches the JVM, not what the benchmark's own environment may hold.
        env.keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
        if (BenchOptions.IMAGE.equals(variant)) {
            env.put("JAVA_TOOL_OPTIONS", SHIPPED_JVM_OPTIONS);
        }
        env.put("OUTBOX_DB_HOST", options.pgHost());
        env.put("OUTBOX_DB_PORT", String.valueOf(options.pgPort()));
        env.put("OUTBOX_DB_NAME", database);
        env.put("OUTBOX_DB_USER", options.pgUser());
        env.put("OUTBOX_DB_PASSWORD", options.pgPassword());
        env.put("OUTBOX_SLOT", slot);
        env.put("OUTBOX_PUBLICATION", slot);
        env.put("OUTBOX_RABBITMQ_URI", options.rabbitmqUri());
        env.put("OUTBOX_EXCHANGE", exchange);
        env.put("SERVER_PORT", String.valueOf(port));
        Files.createDirectories(log.getParent());
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long begin = System.nanoTime();
        process = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2))
                .build();
        long deadline = begin + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(variant + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (System.nanoTime() - begin) / 1e9;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new IllegalStateException(variant + " was not ready within 120 s; see " + log);
    }

    @Override
    public double cpuSeconds() {
        return process == null ? Double.NaN : ProcessCpu.seconds(process.pid());
    }

    @Override
    public long peakRssKb() {
        return peakRssKb;
    }

    @Override
    public void stop() throws Exception {
        File status = new File("/proc/" + process.pid() + "/status");
        if (status.exists()) {
            for (String line : Files.readAllLines(status.toPath())) {
                if (line.startsWith("VmHWM:")) {
                    peakRssKb = Math.max(peakRssKb, Long.parseLong(line.replaceAll("\\D", "")));
                }
            }
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static String shippedJvmOptions() {
        Path file = Path.of("scripts", "relay-jvm-options");
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(file))) {
                try {
                    return Files.readString(dir.resolve(file)).trim();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException(file + " not found above " + Path.of("").toAbsolutePath());
    }
}
