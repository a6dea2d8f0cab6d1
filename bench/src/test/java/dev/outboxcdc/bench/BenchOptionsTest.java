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
        assertThat(options.consumerPhase().consumers())
                .containsExactlyInAnyOrderElementsOf(ConsumerPhaseOptions.CONSUMERS);
        assertThat(BenchOptions.parse(new String[0]).output()).hasToString("docs/benchmarks-full.md");
        assertThat(options.relays()).containsExactly("cdc-relay", "cdc-relay-image", "polling");
    }

    @Test
    void thePlainVariantRunsTheJarAsBuiltAndTheImageVariantTheCopyWithItsArchive() {
        BenchOptions options = BenchOptions.parse(new String[] {"--relays=cdc-relay,cdc-relay-image"});

        assertThat(CdcRelay.command(options, "cdc-relay"))
                .containsExactly("java", "-jar", "cdc-relay/target/cdc-relay.jar");
        assertThat(CdcRelay.command(options, "cdc-relay-image"))
                .containsExactly(
                        "java",
                        "-XX:SharedArchiveFile=cdc-relay/target/cds/cdc-relay.jsa",
                        "-jar",
                        "cdc-relay/target/cds/cdc-relay.jar");
        assertThat(CdcRelay.command(
                        BenchOptions.parse(new String[] {"--relay-image-dir=/tmp/relay"}), "cdc-relay-image"))
                .contains("-jar", "/tmp/relay/cdc-relay.jar");
    }

    @Test
    void theConsumerPhaseAloneRunsNoRelay() {
        BenchOptions options = BenchOptions.parse(new String[] {
            "--phases=consumers", "--consumers=hand-written,support-1", "--consumer-events=5000", "--rounds=5"
        });

        assertThat(options.runsRelays()).isFalse();
        assertThat(options.complete()).isFalse();
        assertThat(options.consumerPhase())
                .isEqualTo(new ConsumerPhaseOptions(5_000, 5, java.util.Set.of("hand-written", "support-1")));
        assertThat(BenchOptions.parse(new String[] {"--phases=drain"}).runsRelays())
                .isTrue();
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
                .hasMessage("unknown phase 'warmup' (known: drain, keep-up, paced, large, consumers)");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--consumers=support-3"}))
                .hasMessage(
                        "unknown consumer 'support-3' (known: raw, hand-written, hand-written-250, support-1, support-2, support-4)");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--relay=cdc-relay"}))
                .hasMessageContaining("unknown argument --relay=cdc-relay");
    }
}
