package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Delivery;
import dev.outboxcdc.relay.OutboxRows;
import dev.outboxcdc.relay.RelayProcess;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A backlog of large payloads, written while the relay was stopped, drains at the JVM settings the
 * project ships (128 MB heap): the queue between WAL reader and publisher and every publish batch are
 * capped in bytes, and the size limit is checked before an envelope is built.
 */
class LargePayloadBacklogIT {

    private static final int MB = 1024 * 1024;
    /** The default outbox.max-envelope-size. */
    private static final int MAX_ENVELOPE = 8 * MB;

    @Test
    void drainsABacklogOfPayloadsUpToTheEnvelopeLimitWithTheShippedHeap() {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            RelaySettings settings = RelaySettings.of(db, rabbit);
            rabbit.declareEventsExchange(settings.exchange());
            // A copy of every dead letter, without competing with other consumers of the shared queue.
            rabbit.withChannel(
                    channel -> channel.exchangeDeclare("outbox.dead-letter", BuiltinExchangeType.FANOUT, true));
            try (TestQueue queue = rabbit.bind(settings.exchange(), "#");
                    TestQueue deadLetters = rabbit.bind("outbox.dead-letter", "")) {
                try (RelayProcess relay =
                        RelayProcess.startAsShipped(settings, "backlog-first").awaitReady(Duration.ofSeconds(90))) {
                    OutboxRows.insertOne(db, "test.first");
                    queue.awaitAtLeast(1, Duration.ofSeconds(30));
                    assertThat(relay.terminate(Duration.ofSeconds(60))).isZero();
                }
                // 60 rows of ~1 MB, 4 just under the envelope limit, 1 just over it (dead-lettered, not loaded twice).
                insert(db, "test.one_mb", 60, MB);
                insert(db, "test.near_limit", 4, MAX_ENVELOPE - 1024);
                insert(db, "test.over_limit", 1, MAX_ENVELOPE + 1024);
                String marker = OutboxRows.insertOne(db, "test.marker");

                try (RelayProcess relay = RelayProcess.startAsShipped(settings, "backlog-drain")) {
                    Awaitility.await("the backlog published (log: relay-logs)")
                            .atMost(Duration.ofSeconds(180))
                            .pollInterval(Duration.ofMillis(500))
                            .until(() -> {
                                assertThat(relay.isAlive())
                                        .as("relay alive:\n" + relay.log())
                                        .isTrue();
                                return queue.deliveries().size() >= 1 + 60 + 4 + 1;
                            });
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> overLimit(deadLetters.deliveries()).size() == 1);

                    List<Delivery> delivered = queue.deliveries();
                    assertThat(delivered)
                            .extracting(d -> d.getEnvelope().getRoutingKey())
                            .filteredOn("test.one_mb"::equals)
                            .hasSize(60);
                    assertThat(delivered)
                            .extracting(d -> d.getEnvelope().getRoutingKey())
                            .filteredOn("test.near_limit"::equals)
                            .hasSize(4);
                    assertThat(delivered)
                            .filteredOn(d -> d.getEnvelope().getRoutingKey().equals("test.near_limit"))
                            .allSatisfy(
                                    d -> assertThat(d.getBody().length).isBetween(MAX_ENVELOPE - 2048, MAX_ENVELOPE));
                    assertThat(delivered
                                    .get(delivered.size() - 1)
                                    .getProperties()
                                    .getMessageId())
                            .isEqualTo(marker);
                    assertThat(overLimit(deadLetters.deliveries())
                                    .get(0)
                                    .getProperties()
                                    .getHeaders()
                                    .get("x-outbox-error")
                                    .toString())
                            .contains("outbox.max-envelope-size");
                    assertThat(relay.log()).doesNotContain("OutOfMemoryError").doesNotContain("-> RECONNECTING");
                }
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    private static void insert(TestDatabase db, String type, int rows, int envelopeBytes) {
        // The envelope adds ~130 bytes of keys, id, type and timestamp to the payload {"p": "x…"}.
        int filler = envelopeBytes - 130 - type.length() - 9;
        db.execute(
                "INSERT INTO outbox_events (id, event_id, event_type, payload) SELECT gen_random_uuid(), gen_random_uuid(), '"
                        + type + "', jsonb_build_object('p', repeat('x', " + filler + ")) FROM generate_series(1, "
                        + rows + ")");
    }

    private static List<Delivery> overLimit(List<Delivery> deadLetters) {
        return deadLetters.stream()
                .filter(d -> "test.over_limit".equals(d.getProperties().getType()))
                .toList();
    }
}
