package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.testsupport.UniqueNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A consumer killed between commit and ack: the redelivery is skipped, the effect happens once. */
class CrashAfterCommitIT {

    private final ConsumerFixture fixture = new ConsumerFixture();

    @AfterEach
    void cleanUp() {
        fixture.close();
    }

    @Test
    void theRedeliveryAfterACrashBetweenCommitAndAckIsSkipped() throws Exception {
        String name = UniqueNames.of("payroll");
        UUID eventId = UUID.randomUUID();
        Process crashing = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        CrashAfterCommitMain.class.getName(),
                        fixture.db.server().jdbcUrl(fixture.db.name()),
                        fixture.db.server().user(),
                        fixture.db.server().password(),
                        fixture.rabbit.uri(),
                        fixture.exchange,
                        name)
                .inheritIO()
                .start();
        try {
            Awaitility.await("the consumer process declared its queue")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> queueExists(name + ".employee.created"));
            fixture.publishEvent(eventId, "employee.created");
            assertThat(crashing.waitFor(60, TimeUnit.SECONDS))
                    .as("the consumer process crashed")
                    .isTrue();
        } finally {
            crashing.destroyForcibly();
        }
        assertThat(crashing.exitValue()).isEqualTo(CrashAfterCommitMain.CRASHED);
        assertThat(fixture.effects(eventId))
                .as("the effect committed before the crash")
                .isEqualTo(1);

        fixture.start(name, Subscription.to(ConsumerFixture.recordingEffect(name), "employee.created"));

        Awaitility.await("the redelivery is skipped")
                .atMost(Duration.ofSeconds(30))
                .until(() -> fixture.metrics.get("duplicates") == 1);
        assertThat(fixture.effects(eventId)).isEqualTo(1);
        assertThat(fixture.metrics.get("handled")).isZero();
    }

    private boolean queueExists(String queue) {
        try {
            fixture.rabbit.withChannel(channel -> channel.queueDeclarePassive(queue));
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
