package dev.outboxcdc.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docker/rabbitmq/definitions.json}, which the Compose RabbitMQ loads at start, pre-declares exactly the
 * {@link OutboxTopology#defaults()} the relay declares: an exchange or queue with other arguments there would make
 * the relay's declaration fail with PRECONDITION_FAILED.
 */
class DockerDefinitionsTest {

    private static final Path FILE = Path.of("docker", "rabbitmq", "definitions.json");
    private static final OutboxTopology DEFAULTS = OutboxTopology.defaults();

    private static JsonNode definitions;

    @BeforeAll
    static void read() throws IOException {
        definitions =
                new ObjectMapper().readTree(Files.readString(repositoryRoot().resolve(FILE)));
    }

    @Test
    void declaresExactlyTheExchangesOfTheSharedTopology() {
        List<String> expected = new ArrayList<>();
        for (AmqpExchange exchange : DEFAULTS.exchanges()) {
            expected.add(exchange.name() + " " + exchange.type() + " durable, not auto-deleted, not internal "
                    + arguments(exchange.arguments()));
        }
        List<String> declared = new ArrayList<>();
        for (JsonNode exchange : definitions.path("exchanges")) {
            declared.add(
                    exchange.path("name").asText() + " " + exchange.path("type").asText()
                            + (exchange.path("durable").asBoolean() ? " durable" : " transient")
                            + (exchange.path("auto_delete").asBoolean() ? ", auto-deleted" : ", not auto-deleted")
                            + (exchange.path("internal").asBoolean() ? ", internal " : ", not internal ")
                            + arguments(exchange.path("arguments")));
        }

        assertThat(declared).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void declaresExactlyTheQueuesOfTheSharedTopologyWithTheirArguments() {
        List<String> expected = new ArrayList<>();
        for (AmqpQueue queue : DEFAULTS.queues()) {
            expected.add(queue.name() + " durable, not auto-deleted " + arguments(queue.arguments()));
        }
        List<String> declared = new ArrayList<>();
        for (JsonNode queue : definitions.path("queues")) {
            declared.add(queue.path("name").asText()
                    + (queue.path("durable").asBoolean() ? " durable" : " transient")
                    + (queue.path("auto_delete").asBoolean() ? ", auto-deleted " : ", not auto-deleted ")
                    + arguments(queue.path("arguments")));
        }

        assertThat(declared).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void declaresExactlyTheBindingsOfTheSharedTopology() {
        List<String> expected = new ArrayList<>();
        for (AmqpBinding binding : DEFAULTS.bindings()) {
            expected.add(binding.exchange() + " -> queue " + binding.queue() + " '" + binding.routingKey() + "' {}");
        }
        List<String> declared = new ArrayList<>();
        for (JsonNode binding : definitions.path("bindings")) {
            declared.add(binding.path("source").asText() + " -> "
                    + binding.path("destination_type").asText() + " "
                    + binding.path("destination").asText() + " '"
                    + binding.path("routing_key").asText() + "' "
                    + arguments(binding.path("arguments")));
        }

        assertThat(declared).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void declaresEverythingInTheDefaultVirtualHost() {
        assertThat(definitions.path("vhosts").findValuesAsText("name")).containsExactly("/");
        for (String kind : List.of("exchanges", "queues", "bindings")) {
            assertThat(definitions.path(kind).findValuesAsText("vhost"))
                    .as(kind)
                    .isNotEmpty()
                    .containsOnly("/");
        }
    }

    /** Arguments in key order, numbers as integers whatever their Java or JSON type. */
    private static String arguments(Map<String, Object> arguments) {
        Map<String, Object> sorted = new TreeMap<>();
        arguments.forEach((key, value) -> sorted.put(key, value instanceof Number n ? n.longValue() : value));
        return sorted.toString();
    }

    private static String arguments(JsonNode arguments) {
        Map<String, Object> sorted = new TreeMap<>();
        arguments
                .fields()
                .forEachRemaining(field -> sorted.put(
                        field.getKey(),
                        field.getValue().isIntegralNumber()
                                ? field.getValue().longValue()
                                : field.getValue().asText()));
        return sorted.toString();
    }

    /** The nearest directory above the working directory (the module's, under Maven) that holds {@link #FILE}. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(FILE))) {
                return dir;
            }
        }
        throw new IllegalStateException(FILE + " not found above " + Path.of("").toAbsolutePath());
    }
}
