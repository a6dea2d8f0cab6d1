package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateTrackerTest {

    private final List<ConsumerState> changes = new ArrayList<>();
    private final StateTracker tracker = new StateTracker("payroll", changes::add);

    @Test
    void waitsForTheDatabaseUntilEveryWaitingWorkerGotAnAnswer() {
        Object first = new Object();
        Object second = new Object();
        tracker.started();

        tracker.databaseUnavailable(first, "refused");
        tracker.databaseUnavailable(second, "refused");
        tracker.databaseAnswered(first);
        assertThat(tracker.state()).isEqualTo(ConsumerState.WAITING_FOR_DATABASE);
        tracker.databaseAnswered(second);

        assertThat(tracker.state()).isEqualTo(ConsumerState.RUNNING);
        assertThat(changes)
                .as("one notification per change")
                .containsExactly(ConsumerState.RUNNING, ConsumerState.WAITING_FOR_DATABASE, ConsumerState.RUNNING);
    }

    @Test
    void aLostBrokerWinsOverAWaitingDatabaseAndStoppingWinsOverBoth() {
        tracker.started();
        tracker.databaseUnavailable(this, "refused");
        tracker.brokerLost("connection reset");
        assertThat(tracker.state()).isEqualTo(ConsumerState.WAITING_FOR_BROKER);
        tracker.brokerRecovered();
        assertThat(tracker.state()).isEqualTo(ConsumerState.WAITING_FOR_DATABASE);
        tracker.stopped();

        assertThat(tracker.state()).isEqualTo(ConsumerState.STOPPED);
        tracker.started();
        assertThat(tracker.state()).as("a restart forgets old waits").isEqualTo(ConsumerState.RUNNING);
    }

    @Test
    void aFailingListenerDoesNotStopTheConsumer() {
        StateTracker failing = new StateTracker("payroll", state -> {
            throw new IllegalStateException("listener bug");
        });

        failing.started();

        assertThat(failing.state()).isEqualTo(ConsumerState.RUNNING);
    }
}
