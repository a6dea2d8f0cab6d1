package dev.outboxcdc.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The relay jar ({@code target/cdc-relay.jar}) run as a separate process, configured only by
 * environment variables, as an operator runs it. Output goes to a log file under {@code target/}.
 */
public final class RelayProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "cdc-relay.jar");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;
    private final int port;

    private RelayProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts {@code java -Xmx256m -jar target/cdc-relay.jar} with {@code settings} as environment variables. */
    public static RelayProcess start(RelaySettings settings, String name) {
        return start(settings, name, List.of("-Xmx256m"));
    }

    /** Starts the relay with the JVM settings the project ships ({@code scripts/relay-jvm-options}, the Docker image's). */
    public static RelayProcess startAsShipped(RelaySettings settings, String name) {
        return start(settings, name, ShippedJvmOptions.read());
    }

    /** Starts {@code java <jvmOptions> -jar target/cdc-relay.jar} with {@code settings} as environment variables. */
    public static RelayProcess start(RelaySettings settings, String name, List<String> jvmOptions) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(
                    JAR.toAbsolutePath() + " is missing: the relay jar is built by mvn package");
        }
        try {
            int port = freePort();
            Path log = Files.createDirectories(Path.of("target", "relay-logs"))
                    .resolve(name + "-" + System.nanoTime() + ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", JAR.toString()));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(settings.environment());
            builder.environment().put("SERVER_PORT", String.valueOf(port));
            builder.redirectErrorStream(true).redirectOutput(log.toFile());
            return new RelayProcess(builder.start(), log, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code /actuator/health/readiness} answers 200. */
    public RelayProcess awaitReady(Duration timeout) {
        Awaitility.await("relay process ready (log: " + log + ")")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("relay exited with " + process.exitValue() + ":\n" + log());
                    }
                    return httpStatus("/actuator/health/readiness") == 200;
                });
        return this;
    }

    /** The HTTP status of {@code path} on the management port, or -1 when it does not answer. */
    public int httpStatus(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2))
                    .build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The body of {@code path} on the management port, or an empty string when it does not answer. */
    public String httpGet(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Kills the process with SIGKILL: no shutdown hook runs. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /** Sends SIGTERM and returns the exit code. */
    public int terminate(Duration timeout) {
        process.destroy();
        return waitFor(timeout);
    }

    /** Waits for the process to exit by itself; returns the exit code. */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("relay did not exit within " + timeout + ":\n" + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether the process runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process printed so far. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
