package dev.outboxcdc.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command line and returns its output, or fails with that output. */
final class Commands {

    private Commands() {}

    /**
     * Runs {@code command} (standard error merged into standard output) and returns the output.
     *
     * @throws IllegalStateException when it exits non-zero, cannot start or outlives {@code timeout}
     */
    static String run(List<String> command, Duration timeout) {
        String line = String.join(" ", command);
        Path output = null;
        try {
            // Output to a file, not a pipe: a process the command leaves behind cannot keep us reading.
            output = Files.createTempFile("outbox-command", ".out");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(line + " did not finish within " + timeout + ":\n" + read(output));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(line + " failed (exit " + process.exitValue() + "):\n" + read(output));
            }
            return read(output);
        } catch (IOException e) {
            throw new IllegalStateException(line + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(line + " was interrupted", e);
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    private static String read(Path output) throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }
}
