package dev.outboxcdc.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The image runs the relay with the same JVM settings the scripts and the memory tests use. */
class ShippedJvmOptionsTest {

    @Test
    void theDockerImageUsesTheShippedJvmOptions() throws Exception {
        String dockerfile = Files.readString(ShippedJvmOptions.repositoryRoot().resolve("docker/cdc-relay.Dockerfile"));
        Matcher options = Pattern.compile("ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"").matcher(dockerfile);

        assertThat(options.find()).as("JAVA_TOOL_OPTIONS in the Dockerfile").isTrue();
        assertThat(String.join(" ", ShippedJvmOptions.read())).isEqualTo(options.group(1));
    }

    @Test
    void theShippedHeapIsBoundedAndTheJvmExitsOnOutOfMemory() {
        assertThat(ShippedJvmOptions.read()).contains("-Xmx128m", "-XX:+ExitOnOutOfMemoryError");
    }
}
