package dev.outboxcdc.bench;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** cdc-relay as operators run it: the jar in a process of its own, configured by environment variables. */
final class CdcRelay implements Relay {

    /** The JVM options the relay ships with (scripts/relay-jvm-options); OUTBOX_BENCH_RELAY_JVM_OPTS overrides. */
    static final String JVM_OPTIONS = System.getenv().getOrDefault("OUTBOX_BENCH_RELAY_JVM_OPTS", shippedJvmOptions());

    private static String shippedJvmOptions() {
        Path file = Path.of("scripts", "relay-jvm-options");
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (java.nio.file.Files.isRegularFile(dir.resolve(file))) {
                try {
                    return java.nio.file.Files.readString(dir.resolve(file)).trim();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException(file + " not found above " + Path.of("").toAbsolutePath());
    }

    private final BenchOptions options;
    private final String database;
    private final String exchange;
    private final String slot;
    private final Path log;
    private Process process;
    private int port;
    private long peakRssKb = -1;

    CdcRelay(BenchOptions options, String database, String exchange, String slot, Path log) {
        this.options = options;
        this.database = database;
        this.exchange = exchange;
        this.slot = slot;
        this.log = log;
    }

    @Override
    public String name() {
        return "cdc-relay";
    }

    @Override
    public double start() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(JVM_OPTIONS.split(" ")));
        Path archive = classDataArchive(options.relayJar());
        if (archive != null) {
            command.add("-XX:SharedArchiveFile=" + archive);
        }
        command.addAll(List.of("-jar", options.relayJar().toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        var env = builder.environment();
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
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = begin + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("cdc-relay exited with " + process.exitValue() + "; see " + log);
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
        throw new IllegalStateException("cdc-relay was not ready within 120 s; see " + log);
    }

    /**
     * The class-data sharing archive {@code scripts/relay-cds.sh} recorded beside {@code jar}
     * ({@code cdc-relay.jsa}), or null: the relay then starts without one, as from the plain jar.
     */
    static Path classDataArchive(Path jar) {
        Path archive = jar.resolveSibling(jar.getFileName().toString().replaceFirst("\\.jar$", "") + ".jsa");
        return Files.isRegularFile(archive) ? archive : null;
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
}
