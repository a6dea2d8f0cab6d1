package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class LeaseWatchdogTest {

    private final AtomicBoolean held = new AtomicBoolean(true);
    private final AtomicInteger lost = new AtomicInteger();
    private final LeaseWatchdog watchdog = new LeaseWatchdog(held::get, Duration.ofMillis(5));

    @Test
    void reportsALostLeaseOnce() {
        try (LeaseWatchdog.Watch watch = watchdog.watch(lost::incrementAndGet)) {
            held.set(false);

            Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> lost.get() == 1);
            Awaitility.await()
                    .during(Duration.ofMillis(100))
                    .atMost(Duration.ofSeconds(1))
                    .until(() -> lost.get() == 1);
        }
    }

    @Test
    void staysQuietWhileTheLeaseIsHeldAndAfterTheWatchEnded() {
        LeaseWatchdog.Watch watch = watchdog.watch(lost::incrementAndGet);
        Awaitility.await()
                .during(Duration.ofMillis(100))
                .atMost(Duration.ofSeconds(1))
                .until(() -> lost.get() == 0);

        watch.close();
        held.set(false);

        Awaitility.await()
                .during(Duration.ofMillis(100))
                .atMost(Duration.ofSeconds(1))
                .until(() -> lost.get() == 0);
        assertThat(lost).hasValue(0);
    }
}
