package dev.outboxcdc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RelayTargetsTest {

    private final Results results =
            new Results(BenchOptions.parse(new String[] {"--quick"}), Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void checksThePlainJarAndShowsTheImageBesideIt() {
        results.raw = 10_000;
        results.relays.put(BenchOptions.PLAIN, relay(5_980, 7.0, 3.0));
        results.relays.put(BenchOptions.IMAGE, relay(7_000, 9.0, 2.0));
        results.relays.put(BenchOptions.POLLING, relay(1_000, Double.NaN, Double.NaN));

        assertThat(RelayTargets.check(results, 4))
                .contains(
                        "**missed**: cdc-relay: backlog drain ≥ 0.6 × raw ceiling — measured 0.598×"
                                + " (cdc-relay-image: 0.700×)",
                        "met: cdc-relay: backlog drain ≥ 5 × polling relay — measured 5.98× (cdc-relay-image: 7.00×)",
                        "met: cdc-relay: paced p50 ≤ 8 ms — measured 7.0 ms (cdc-relay-image: 9.0 ms)",
                        "met: cdc-relay: streaming (ready) within 5 s of start — measured 3.0 s"
                                + " (cdc-relay-image: 2.0 s)");
    }

    @Test
    void saysWhatThisRunDidNotMeasure() {
        results.raw = 10_000;

        assertThat(RelayTargets.check(results, 4))
                .hasSize(9)
                .allMatch(line -> line.startsWith("not measured in this run: "));
    }

    private static Results.RelayResult relay(double drain, double pacedP50, double readySeconds) {
        Results.RelayResult relay = new Results.RelayResult();
        relay.drain = drain;
        relay.paced = new Results.Latency(pacedP50, Double.NaN, Double.NaN);
        relay.readySeconds = readySeconds;
        return relay;
    }
}
