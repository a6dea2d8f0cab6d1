package dev.outboxcdc.relay.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConfirmTrackerTest {

    private final ConfirmTracker tracker = new ConfirmTracker();

    @Test
    void completesWhenEveryMessageIsAckedSinglyOrInBulk() throws Exception {
        tracker.begin(11, 5);
        tracker.handleAck(13, true);
        tracker.handleAck(15, false);
        tracker.handleAck(14, false);

        assertThat(tracker.await(TimeUnit.SECONDS.toNanos(1))).isEqualTo(5);
    }

    @Test
    void reportsTheFirstUnconfirmedMessageAfterANack() throws Exception {
        tracker.begin(1, 4);
        tracker.handleAck(1, false);
        tracker.handleNack(2, false);
        tracker.handleAck(3, false);

        assertThat(tracker.await(TimeUnit.SECONDS.toNanos(1))).isEqualTo(1);
    }

    @Test
    void reportsTheFirstUnconfirmedMessageAfterATimeoutOrAClosedChannel() throws Exception {
        tracker.begin(100, 3);
        tracker.handleAck(100, false);
        assertThat(tracker.await(TimeUnit.MILLISECONDS.toNanos(50))).isEqualTo(1);

        tracker.begin(200, 3);
        tracker.handleAck(201, true);
        tracker.channelClosed();
        assertThat(tracker.await(TimeUnit.SECONDS.toNanos(10))).isEqualTo(2);
    }

    @Test
    void ignoresConfirmsOfAnEarlierBatch() throws Exception {
        tracker.begin(50, 2);
        tracker.handleAck(49, true);
        tracker.handleNack(48, false);

        assertThat(tracker.await(TimeUnit.MILLISECONDS.toNanos(50))).isZero();
    }
}
