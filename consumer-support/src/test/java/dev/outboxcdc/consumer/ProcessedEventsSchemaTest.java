package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** consumer-support ships the processed_events DDL too (for its schema initialisation): it must not drift from outbox-writer's. */
class ProcessedEventsSchemaTest {

    @Test
    void consumerSupportShipsTheSameProcessedEventsDdlAsOutboxWriter() throws IOException {
        String consumer = resource("/dev/outboxcdc/consumer/schema/processed_events.sql");
        String writer = resource("/dev/outboxcdc/writer/schema/processed_events.sql");

        assertThat(consumer)
                .contains("CREATE TABLE IF NOT EXISTS processed_events")
                .isEqualTo(writer);
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = ProcessedEventsSchemaTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
