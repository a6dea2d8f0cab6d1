package dev.outboxcdc.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The JVM settings the project ships the relay with: {@code scripts/relay-jvm-options}, used by the image and scripts. */
public final class ShippedJvmOptions {

    /** The file, relative to the repository root. */
    public static final Path FILE = Path.of("scripts", "relay-jvm-options");

    private ShippedJvmOptions() {}

    /** The options, one list element each. */
    public static List<String> read() {
        try {
            return Arrays.asList(
                    Files.readString(repositoryRoot().resolve(FILE)).trim().split("\\s+"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository root: the nearest directory above the working directory that holds {@link #FILE}. */
    public static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(FILE))) {
                return dir;
            }
        }
        throw new IllegalStateException(FILE + " not found above " + Path.of("").toAbsolutePath());
    }
}
