package dev.outboxcdc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConsumerResultsTest {

    private final ConsumerUnderTest hand = new HandWrittenConsumer(null, null, ConsumerBench.DEFAULT_PREFETCH);
    private final ConsumerUnderTest one = new SupportConsumer(null, null, "x", 1, ConsumerBench.DEFAULT_PREFETCH);
    private final ConsumerUnderTest four = new SupportConsumer(null, null, "x", 4, ConsumerBench.DEFAULT_PREFETCH);

    @Test
    void reportsMediansAndTheRatioToTheHandWrittenConsumer() {
        ConsumerResults results = new ConsumerResults(1000, 3, List.of(hand, one, four));
        add(results, 0, 1000, 800, 1200);
        add(results, 1, 950, 700, 1300);
        add(results, 2, 2000, 1900, 2100);

        String markdown = results.markdown();

        assertThat(markdown)
                .contains(
                        "| hand-written | 10 | 1,000 | 1,000 / 800 / 1,200 | 1.00 | 100 / 200 |",
                        "| consumer-support, 1 worker | 10 | 950 | 950 / 700 / 1,300 | 0.95 | 100 / 200 |",
                        "| consumer-support, 4 workers | 10 per worker | 2,000 |");
        assertThat(results.targets())
                .containsExactly(
                        "met: consumer-support with 1 worker ≥ 0.9 × the hand-written consumer at prefetch 10 — measured 0.95×"
                                + " (each round: 0.95, 0.88, 1.08)",
                        "met: more workers drain faster: consumer-support with 4 workers vs 1 — measured 2.11×");
    }

    @Test
    void aSlowerConsumerSupportMissesTheTarget() {
        ConsumerResults results = new ConsumerResults(1000, 1, List.of(hand, one));
        add(results, 0, 1000);
        add(results, 1, 880);

        assertThat(results.targets())
                .containsExactly(
                        "**missed**: consumer-support with 1 worker ≥ 0.9 × the hand-written consumer at prefetch 10 — measured 0.88×"
                                + " (each round: 0.88)",
                        "not measured in this run: more workers drain faster: consumer-support with 4 workers vs 1");
    }

    @Test
    void saysWhichDrainsWereRepeated() {
        ConsumerResults results = new ConsumerResults(1000, 1, List.of(hand));
        add(results, 0, 1000);
        results.repeated("hand-written: connection reset");

        assertThat(results.markdown())
                .contains("1 drain(s) failed and were repeated on a fresh queue: hand-written: connection reset.");
        assertThat(results.targets()).allMatch(line -> line.startsWith("not measured in this run: "));
    }

    private static void add(ConsumerResults results, int consumer, double... rates) {
        for (double rate : rates) {
            results.add(consumer, new ConsumerBench.Drain(rate, 100, 200));
        }
    }
}
