package dev.outboxcdc.relay.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.relay.OutboxRows;
import dev.outboxcdc.relay.RelayProcess;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import dev.outboxcdc.testsupport.UniqueNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** docs/least-privilege.sql, run as documented, gives a role the relay runs with. */
class LeastPrivilegeIT {

    @Test
    void theRelayRunsWithTheDocumentedLeastPrivilegeRole() throws Exception {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        String role = UniqueNames.of("relay_role");
        String password = UniqueNames.of("pw");
        String script = Files.readString(Path.of("..", "docs", "least-privilege.sql"))
                .replaceAll("\\boutbox_relay\\b", role)
                .replace("'change-me'", "'" + password + "'");
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            db.execute(script);
            try {
                assertThat(db.queryStrings("SELECT rolsuper::text FROM pg_roles WHERE rolname = '" + role + "'"))
                        .containsExactly("false");
                RelaySettings settings = RelaySettings.of(db, rabbit)
                        .with("outbox.db.user", role)
                        .with("outbox.db.password", password)
                        .with("outbox.publication", role)
                        .with("outbox.heartbeat-interval", "500ms");
                rabbit.declareEventsExchange(settings.exchange());
                try (TestQueue queue = rabbit.bind(settings.exchange(), "#");
                        RelayProcess relay =
                                RelayProcess.start(settings, "least-privilege").awaitReady(Duration.ofSeconds(60))) {
                    String eventId = OutboxRows.insertOne(db, "employee.created");
                    queue.awaitAtLeast(1, Duration.ofSeconds(30));
                    assertThat(queue.messageIds()).containsExactly(eventId);
                    assertThat(relay.log()).doesNotContain(password).doesNotContain("ERROR");
                    assertThat(relay.terminate(Duration.ofSeconds(60))).isZero();
                } finally {
                    rabbit.deleteExchange(settings.exchange());
                }
            } finally {
                db.dropSlots();
                db.execute("DROP PUBLICATION IF EXISTS " + role, "DROP OWNED BY " + role, "DROP ROLE " + role);
            }
        }
    }
}
