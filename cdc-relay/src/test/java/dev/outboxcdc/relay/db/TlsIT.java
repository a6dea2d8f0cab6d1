package dev.outboxcdc.relay.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.relay.OutboxRows;
import dev.outboxcdc.relay.RelayProcess;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The relay talks TLS to PostgreSQL: {@code require}, and {@code verify-full} against a custom CA
 * ({@code OUTBOX_TEST_PG_CA}, the CA that signed the test server's certificate; scripts/test.sh
 * sets up both for the local cluster). Its queries and its replication stream are encrypted.
 */
class TlsIT {

    @ParameterizedTest(name = "sslmode={0}")
    @ValueSource(strings = {"require", "verify-full"})
    void streamsOverTls(String sslmode) {
        String ca = System.getenv("OUTBOX_TEST_PG_CA");
        if (ca == null || ca.isBlank()) {
            throw new IllegalStateException(
                    "Set OUTBOX_TEST_PG_CA to the CA certificate of the test PostgreSQL, which must"
                            + " have ssl=on (scripts/test.sh sets both up for the local cluster)");
        }
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            RelaySettings settings = RelaySettings.of(db, rabbit)
                    .with("outbox.db.sslmode", sslmode)
                    .with("outbox.db.sslrootcert", ca);
            if (sslmode.equals("verify-full")) {
                settings.with("outbox.db.host", "localhost");
            }
            rabbit.declareEventsExchange(settings.exchange());
            try (TestQueue queue = rabbit.bind(settings.exchange(), "#");
                    RelayProcess relay =
                            RelayProcess.start(settings, "tls-" + sslmode).awaitReady(Duration.ofSeconds(60))) {
                String eventId = OutboxRows.insertOne(db, "employee.created");
                queue.awaitAtLeast(1, Duration.ofSeconds(30));
                assertThat(queue.messageIds()).containsExactly(eventId);

                assertThat(db.queryLong("SELECT count(*) FROM pg_stat_replication r JOIN pg_stat_ssl s ON s.pid = r.pid"
                                + " JOIN pg_replication_slots slot ON slot.active_pid = r.pid"
                                + " WHERE slot.slot_name = '" + settings.slot() + "' AND s.ssl"))
                        .as("replication stream over TLS")
                        .isEqualTo(1);
                assertThat(db.queryLong("SELECT count(*) FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid"
                                + " WHERE a.datname = '" + db.name()
                                + "' AND a.application_name LIKE 'cdc-relay%' AND NOT s.ssl"))
                        .as("no plain-text relay session")
                        .isZero();
            } finally {
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }
}
