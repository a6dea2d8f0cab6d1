package dev.outboxcdc.writer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input is rejected before any SQL runs: these calls pass no connection at all, so reaching the
 * database would fail differently.
 */
class OutboxWriterValidationTest {

    private final OutboxWriter writer = OutboxWriter.builder().build();

    static Stream<Arguments> badEvents() {
        return Stream.of(
                Arguments.of(OutboxEvent.of(null, Map.of()), "eventType must not be null or blank"),
                Arguments.of(OutboxEvent.of("  ", Map.of()), "eventType must not be null or blank"),
                Arguments.of(
                        OutboxEvent.of("employee.*", Map.of()), "eventType 'employee.*' is not a valid routing key"),
                Arguments.of(OutboxEvent.of("#", Map.of()), "eventType '#' is not a valid routing key"),
                Arguments.of(OutboxEvent.of("e".repeat(254) + "é", Map.of()), "eventType is 256 bytes long"),
                Arguments.of(
                        OutboxEvent.of("employee.created", null), "payload of event employee.created must not be null"),
                Arguments.of(OutboxEvent.of("employee.created", new Object()), "cannot be serialised to JSON"),
                Arguments.of(
                        OutboxEvent.ofJson("employee.created", "{\"a\": "),
                        "payloadJson of event employee.created is not valid JSON"),
                Arguments.of(
                        OutboxEvent.ofJson("employee.created", " "), "payloadJson of event employee.created is blank"),
                Arguments.of(
                        OutboxEvent.of("employee.created", Map.of()).withHeaders(Map.of("retries", 3)),
                        "header 'retries' of event employee.created is a java.lang.Integer; header values must be strings"),
                Arguments.of(
                        OutboxEvent.of("employee.created", Map.of()).withHeaders(Map.of(" ", "x")),
                        "header names of event employee.created must not be blank"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badEvents")
    void rejectsBadInputBeforeAnySql(OutboxEvent event, String message) {
        assertThatThrownBy(() -> writer.write(null, event))
                .isInstanceOf(InvalidOutboxEventException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"Outbox", "a.b.c", "outbox;drop", ""})
    void rejectsAnInvalidTableNameWhenBuilt(String table) {
        assertThatThrownBy(() -> OutboxWriter.builder().table(table).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a valid table name");
    }
}
