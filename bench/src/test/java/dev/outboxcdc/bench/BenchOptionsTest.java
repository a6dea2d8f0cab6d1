package dev.outboxcdc.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BenchOptionsTest {

    @Test
    void aRunMeasuresEveryRelayAndPhaseByDefault() {
        BenchOptions options = BenchOptions.parse(new String[] {"--quick"});

        assertThat(options.complete()).isTrue();
        assertThat(options.events()).isEqualTo(20_000);
        assertThat(options.retained()).isEqualTo(100_000);
        assertThat(options.output()).hasToString("docs/benchmarks.md");
        assertThat(options.runs("consumers")).isTrue();
        assertThat(options.consumerPhase().events()).isEqualTo(20_000);
        assertThat(options.consumerPhase().rounds()).isEqualTo(3);
        assertThat(options.consumerPhase().consumers()).containsExactlyInAnyOrderElementsOf(ConsumerPhaseOptions.CONSUMERS);
        assertThat(BenchOptions.parse(new String[0]).output()).hasToString("docs/benchmarks-full.md");
    }

    @Test
    void theConsumerPhaseAloneRunsNoRelay() {
        BenchOptions options = BenchOptions.parse(new String[] {"--phases=consumers", "--consumers=hand-written,support-1",
            "--consumer-events=5000", "--rounds=5"});

        assertThat(options.runsRelays()).isFalse();
        assertThat(options.complete()).isFalse();
        assertThat(options.consumerPhase()).isEqualTo(new ConsumerPhaseOptions(5_000, 5, java.util.Set.of("hand-written", "support-1")));
        assertThat(BenchOptions.parse(new String[] {"--phases=drain"}).runsRelays()).isTrue();
    }

    @Test
    void aPartialRunNamesItsRelaysAndPhases() {
        BenchOptions options = BenchOptions.parse(new String[] {"--relays=cdc-relay", "--phases=paced,large"});

        assertThat(options.measures("cdc-relay")).isTrue();
        assertThat(options.measures("polling")).isFalse();
        assertThat(options.runs("paced")).isTrue();
        assertThat(options.runs("drain")).isFalse();
        assertThat(options.complete()).isFalse();
        assertThat(options.retained()).as("the full run's table size").isEqualTo(1_000_000);
    }

    @Test
    void rejectsAnUnknownPhaseNamingTheKnownOnes() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--phases=paced,warmup"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown phase 'warmup' (known: drain, concurrent, paced, large, consumers)");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--consumers=support-3"}))
                .hasMessage("unknown consumer 'support-3' (known: raw, hand-written, hand-written-250, support-1, support-2, support-4)");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--relay=cdc-relay"}))
                .hasMessageContaining("unknown argument --relay=cdc-relay");
    }
}
