package dev.outboxcdc.relay.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.relay.RelayProcess;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestServices;
import dev.outboxcdc.testsupport.UniqueNames;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A relay that cannot run as configured exits non-zero at once, saying how to fix it. */
class StartupChecksIT {

    private static final Duration FAST = Duration.ofSeconds(60);
    private final RabbitEndpoint rabbit = TestServices.rabbitmq();

    @Test
    void exitsWithAnActionableMessageWhenTheTableIsMissing() {
        try (TestDatabase db = TestServices.postgres().createDatabase();
                RelayProcess relay = RelayProcess.start(RelaySettings.of(db, rabbit), "missing-table")) {
            assertThat(relay.waitFor(FAST)).isEqualTo(2);
            assertThat(relay.log())
                    .contains("Outbox table public.outbox_events does not exist")
                    .contains("OUTBOX_TABLE");
            assertThat(db.slots())
                    .as("no slot is created for a relay that cannot run")
                    .isEmpty();
        }
    }

    @Test
    void exitsWhenTheWalLevelIsNotLogical() throws Exception {
        try (ReplicaWalServer server = ReplicaWalServer.start();
                TestDatabase db = TestServices.postgres().createDatabase()) {
            RelaySettings settings = RelaySettings.of(db, rabbit)
                    .with("outbox.db.host", "127.0.0.1")
                    .with("outbox.db.port", String.valueOf(server.port()))
                    .with("outbox.db.name", "postgres")
                    .with("outbox.db.user", "postgres")
                    .with("outbox.db.password", "");
            try (RelayProcess relay = RelayProcess.start(settings, "replica-wal")) {
                assertThat(relay.waitFor(FAST)).isEqualTo(2);
                assertThat(relay.log()).contains("wal_level=replica").contains("wal_level = logical");
            }
        }
    }

    @Test
    void exitsWhenTheRoleLacksReplicationOrSelect() {
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            String role = UniqueNames.of("relay_role");
            db.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'secret-" + role + "'");
            try {
                RelaySettings settings = RelaySettings.of(db, rabbit)
                        .with("outbox.db.user", role)
                        .with("outbox.db.password", "secret-" + role);
                try (RelayProcess relay = RelayProcess.start(settings, "no-replication")) {
                    assertThat(relay.waitFor(FAST)).isEqualTo(2);
                    assertThat(relay.log())
                            .contains("lacks the REPLICATION attribute")
                            .contains("ALTER ROLE " + role + " REPLICATION")
                            .doesNotContain("secret-" + role);
                }
                db.execute("ALTER ROLE " + role + " REPLICATION");
                try (RelayProcess relay = RelayProcess.start(settings, "no-select")) {
                    assertThat(relay.waitFor(FAST)).isEqualTo(2);
                    assertThat(relay.log())
                            .contains("may not SELECT from public.outbox_events")
                            .contains("GRANT SELECT ON public.outbox_events TO " + role);
                }
            } finally {
                db.execute("DROP OWNED BY " + role, "DROP ROLE " + role);
            }
        }
    }

    @Test
    void refusesAnInvalidIdentifierBeforeConnecting() {
        try (TestDatabase db = TestServices.postgres().createDatabase();
                RelayProcess relay = RelayProcess.start(
                        RelaySettings.of(db, rabbit).with("outbox.slot", "Bad-Slot;"), "invalid-identifier")) {
            assertThat(relay.waitFor(FAST)).isNotZero();
            assertThat(relay.log()).contains("outbox.slot='Bad-Slot;' is not a valid replication slot name");
        }
    }
}
