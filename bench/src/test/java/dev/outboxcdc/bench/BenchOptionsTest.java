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
        assertThat(BenchOptions.parse(new String[0]).output()).hasToString("docs/benchmarks-full.md");
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
                .hasMessage("unknown phase 'warmup' (known: drain, concurrent, paced, large)");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--relay=cdc-relay"}))
                .hasMessageContaining("unknown argument --relay=cdc-relay");
    }
}
