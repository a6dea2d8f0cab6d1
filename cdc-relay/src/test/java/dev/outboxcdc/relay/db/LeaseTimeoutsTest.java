package dev.outboxcdc.relay.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaseTimeoutsTest {

    private final LeaseTimeouts defaults = new LeaseTimeouts(Duration.ofSeconds(15));

    @Test
    void theActiveRelayNoticesASilentLeaseBeforeTheServerCanReleaseIt() {
        Duration lease = defaults.lease();
        Duration worstDetection = defaults.checkInterval().plus(defaults.longestCheck());
        // The server releases the lock one lease timeout after the last check that reached it, which
        // went out at most one check interval before the network went silent.
        Duration earliestRelease = lease.minus(defaults.checkInterval());

        assertThat(defaults.checkInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(defaults.checkTimeoutSeconds()).isEqualTo(3);
        assertThat(defaults.longestCheck()).isEqualTo(Duration.ofSeconds(6));
        assertThat(worstDetection).isLessThan(earliestRelease);
    }

    @Test
    void aLongerLeaseTimeoutKeepsTheActiveRelayAheadOfTheServer() {
        for (int seconds = 12; seconds <= 120; seconds++) {
            LeaseTimeouts timeouts = new LeaseTimeouts(Duration.ofSeconds(seconds));
            assertThat(timeouts.checkInterval().plus(timeouts.longestCheck()))
                    .as("lease timeout %d s", seconds)
                    .isLessThan(timeouts.lease().minus(timeouts.checkInterval()));
        }
    }

    @Test
    void theLeaseSessionEndsWhenSilentForTheLeaseTimeout() {
        assertThat(defaults.leaseSessionSettings())
                .containsEntry("idle_session_timeout", "15000ms")
                .containsEntry("tcp_user_timeout", "15000ms")
                .containsEntry("tcp_keepalives_idle", "5")
                .containsEntry("tcp_keepalives_interval", "3")
                .containsEntry("tcp_keepalives_count", "3");
    }

    @Test
    void theWalsenderOfASilentRelayGivesUpTheSlotAfterTheLeaseTimeout() {
        assertThat(defaults.replicationOptions(15))
                .isEqualTo("-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=3"
                        + " -c tcp_keepalives_count=3 -c wal_sender_timeout=15000ms");
        assertThat(defaults.replicationOptions(0))
                .as("server version not known yet")
                .contains("wal_sender_timeout=15000ms");
    }

    @Test
    void replicationOptionsNeverAskWhatTheServerWouldRefuseOrCountZeroWindowsAsDeath() {
        assertThat(defaults.replicationOptions(11))
                .as("wal_sender_timeout is per connection since PostgreSQL 12")
                .doesNotContain("wal_sender_timeout")
                .contains("tcp_keepalives_idle=5");
        assertThat(defaults.replicationOptions(17))
                .doesNotContain("tcp_user_timeout")
                .doesNotContain("idle_session_timeout");
    }

    @Test
    void refusesALeaseTimeoutTheWalsenderCannotKeep() {
        assertThatThrownBy(() -> new LeaseTimeouts(Duration.ofSeconds(5))).isInstanceOf(IllegalArgumentException.class);
    }
}
