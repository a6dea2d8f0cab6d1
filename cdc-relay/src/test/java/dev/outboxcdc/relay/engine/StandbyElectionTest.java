package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.relay.retry.StopSignal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StandbyElectionTest {

    private final StopSignal stop = new StopSignal();

    @Test
    void isAStandbyWhileAnotherRelayHoldsTheLeaseAndActiveOnceItIsFree() throws Exception {
        FakeLease lease = new FakeLease().takenByAnother();
        StandbyElection election = new StandbyElection(lease, "outbox_relay", Duration.ofSeconds(2));

        assertThat(election.contend(stop)).isEqualTo(StandbyElection.Result.STANDBY);
        assertThat(election.isLeading()).isFalse();

        lease.release();

        assertThat(election.contend(stop)).isEqualTo(StandbyElection.Result.ACTIVE);
        assertThat(election.isLeading()).isTrue();
    }

    @Test
    void resigningGivesTheLeaseUpForTheNextRelay() throws Exception {
        FakeLease lease = new FakeLease();
        StandbyElection election = new StandbyElection(lease, "outbox_relay", Duration.ofSeconds(2));
        election.contend(stop);

        election.resign();

        assertThat(election.isLeading()).isFalse();
        assertThat(lease.isHeld()).isFalse();
    }

    @Test
    void reportsStoppingWhenTheRelayStopsWhileThePreviousOneStillHoldsTheSlot() throws Exception {
        StandbyElection election = new StandbyElection(
                new FakeLease().stoppingWhileTheSlotIsBusy(), "outbox_relay", Duration.ofSeconds(2));

        assertThat(election.contend(stop)).isEqualTo(StandbyElection.Result.STOPPING);
    }

    @Test
    void namesTheSlotAndTheRetryIntervalWhenItWaits() {
        StandbyElection election = new StandbyElection(new FakeLease(), "billing_relay", Duration.ofMillis(1500));

        assertThat(election.standbyReason())
                .isEqualTo("another relay streams from slot billing_relay; taking over when it stops (checking every"
                        + " 1500 ms)");
        assertThat(election.retryInterval()).isEqualTo(Duration.ofMillis(1500));
    }
}
