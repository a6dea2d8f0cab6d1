package dev.outboxcdc.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventKindTest {

    @Test
    void mixHoldsTheFlowsInTheDemosProportionsInterleaved() {
        List<EventKind> mix = EventKind.mix(100, 42);

        assertThat(mix).hasSize(155);
        assertThat(mix).filteredOn(k -> k == EventKind.EMPLOYEE).hasSize(100);
        assertThat(mix).filteredOn(k -> k == EventKind.APPROVAL).hasSize(20);
        assertThat(mix).filteredOn(k -> k == EventKind.BUDGET).hasSize(10);
        assertThat(mix).filteredOn(k -> k == EventKind.ASSET).hasSize(25);
        assertThat(mix.subList(0, 100))
                .as("interleaved, not one flow after the other")
                .contains(EventKind.ASSET);
        assertThat(EventKind.mix(100, 42)).as("seeded").isEqualTo(mix);
    }

    @Test
    void queueIsTheConsumerAndTheEventType() {
        assertThat(EventKind.EMPLOYEE.queue()).isEqualTo("payroll.employee.created");
        assertThat(EventKind.ASSET.queue()).isEqualTo("personnel.asset.assigned");
    }

    @Test
    void quantilesAreNearestRank() {
        List<Double> sorted = List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0);

        assertThat(Quantiles.of(sorted, 0.5)).isEqualTo(5.0);
        assertThat(Quantiles.of(sorted, 0.99)).isEqualTo(10.0);
        assertThat(Quantiles.of(List.of(), 0.5)).isZero();
    }
}
