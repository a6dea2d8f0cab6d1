package dev.outboxcdc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's plumbing on a tiny run, both cdc-relay variants prepared as {@code scripts/bench.sh} prepares
 * them (the jar as built; {@code scripts/relay-cds.sh}: copied, with a class-data sharing archive): every
 * relay and phase runs and the table is written. Timings are not checked; the consumer phase checks its own counts (effects and
 * processed_events records equal the events drained) and fails the run otherwise.
 */
class BenchmarkIT {

    @Test
    void aTinyRunMeasuresEveryPhaseAndWritesTheTable() throws Exception {
        Path output = Path.of("target", "benchmarks-plumbing.md");
        Files.deleteIfExists(output);

        Path cds = Path.of("target", "cds");
        Process prepare = new ProcessBuilder(
                        "bash", "../scripts/relay-cds.sh", "../cdc-relay/target/cdc-relay.jar", cds.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .start();
        assertThat(prepare.waitFor()).as("scripts/relay-cds.sh exit code").isZero();
        assertThat(cds.resolve("cdc-relay.jsa")).isNotEmptyFile();

        Benchmark.main(new String[] {
            "--quick",
            "--events=2000",
            "--paced-seconds=3",
            "--retained=5000",
            "--consumer-events=300",
            "--rounds=1",
            "--relay-jar=../cdc-relay/target/cdc-relay.jar",
            "--relay-image-dir=" + cds,
            "--output=" + output
        });

        String table = Files.readString(output);
        assertThat(table)
                .contains(
                        "| writers alone (inserts/s) |",
                        "| backlog drain (events/s) |",
                        "| keep-up: writers' commits (events/s) |",
                        "| keep-up: lag at end of load (s) |",
                        "| relay CPU per 10,000 events: drain / keep-up / paced (s) |",
                        "| paced 1000/s: p50 / p95 / p99 (ms) |",
                        "| backlog drain with 5,000 retained rows (events/s) |",
                        "| paced with 5,000 retained rows: p50 / p95 / p99 (ms) |",
                        "| machine stalls while paced: a thread sleeping 1 ms wakes late by p99 / p99.9 / max (ms) |",
                        "| relay peak RSS (MB) |",
                        "| time to ready (s) |",
                        "## Targets",
                        "Machine: ",
                        "| | raw ceiling | cdc-relay | cdc-relay-image | polling relay |",
                        "`java -jar ../cdc-relay/target/cdc-relay.jar`",
                        "-XX:SharedArchiveFile=target/cds/cdc-relay.jsa -jar target/cds/cdc-relay.jar",
                        "## Consumers: draining a pre-filled queue",
                        "| raw: acks only (the broker's delivery rate) | 10 |",
                        "| hand-written | 10 |",
                        "| hand-written | 250 |",
                        "| consumer-support, 1 worker | 10 |",
                        "| consumer-support, 4 workers | 10 per worker |");
        assertThat(table).doesNotContain("NaN");
        String targets = table.substring(table.indexOf("## Targets"));
        assertThat(targets.lines().filter(l -> l.startsWith("- ")).count())
                .as("each target checked")
                .isEqualTo(11);
        assertThat(table).doesNotContain("not run", "not measured");
    }
}
