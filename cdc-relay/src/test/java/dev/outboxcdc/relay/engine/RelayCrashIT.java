package dev.outboxcdc.relay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.relay.OutboxRows;
import dev.outboxcdc.relay.RelayProcess;
import dev.outboxcdc.relay.RelaySettings;
import dev.outboxcdc.testsupport.RabbitEndpoint;
import dev.outboxcdc.testsupport.TestDatabase;
import dev.outboxcdc.testsupport.TestQueue;
import dev.outboxcdc.testsupport.TestServices;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The relay process stopped in the middle of a stream loses nothing. */
class RelayCrashIT {

    private static final int WRITERS = 4;
    private static final int EVENTS = 20_000;
    private static final int ROWS_PER_TRANSACTION = 10;

    @Test
    void loseNothingWhenKilledWithSigkillMidStream() throws Exception {
        Result result = streamWithStop(true);
        System.out.printf(
                "RelayCrashIT SIGKILL: committed=%d received=%d duplicates=%d%n",
                result.committed().size(), result.received().size(), result.duplicates());
        assertThat(new HashSet<>(result.received()))
                .as("every committed event arrived at least once")
                .containsAll(result.committed());
    }

    @Test
    void gracefulStopExitsZeroAndRepublishesNothingBeyondTheInFlightBatch() throws Exception {
        Result result = streamWithStop(false);
        System.out.printf(
                "RelayCrashIT SIGTERM: committed=%d received=%d duplicates=%d%n",
                result.committed().size(), result.received().size(), result.duplicates());
        assertThat(new HashSet<>(result.received())).containsAll(result.committed());
        assertThat(result.duplicates())
                .as("at most the batch in flight is published twice")
                .isLessThanOrEqualTo(2048);
    }

    private Result streamWithStop(boolean kill) throws Exception {
        RabbitEndpoint rabbit = TestServices.rabbitmq();
        try (TestDatabase db = TestServices.postgres().createDatabase()) {
            db.createOutboxTable();
            RelaySettings settings = RelaySettings.of(db, rabbit);
            rabbit.declareEventsExchange(settings.exchange());
            ConcurrentLinkedQueue<String> committed = new ConcurrentLinkedQueue<>();
            ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
            try (TestQueue queue = rabbit.bind(settings.exchange(), "#")) {
                RelayProcess first = RelayProcess.start(settings, kill ? "crash-first" : "graceful-first")
                        .awaitReady(Duration.ofSeconds(60));
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    done.add(writers.submit(() -> {
                        try (Connection connection = db.connect()) {
                            for (int t = 0; t < EVENTS / WRITERS / ROWS_PER_TRANSACTION; t++) {
                                committed.addAll(OutboxRows.insertTransaction(
                                        connection,
                                        "test.stream",
                                        ROWS_PER_TRANSACTION,
                                        "{\"amount\": 12.50, \"note\": \"stream\"}"));
                            }
                        }
                        return null;
                    }));
                }
                Awaitility.await("a part of the stream published")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> queue.deliveries().size() >= EVENTS / 4);
                if (kill) {
                    first.kill();
                } else {
                    assertThat(first.terminate(Duration.ofSeconds(60)))
                            .as("exit code after SIGTERM")
                            .isZero();
                    assertThat(first.log()).contains("-> STOPPING").contains("-> STOPPED");
                }
                try (RelayProcess second = RelayProcess.start(settings, kill ? "crash-second" : "graceful-second")) {
                    second.awaitReady(Duration.ofSeconds(60));
                    for (Future<?> future : done) {
                        future.get();
                    }
                    Set<String> expected = new HashSet<>(committed);
                    Awaitility.await("every committed event received")
                            .atMost(Duration.ofSeconds(120))
                            .pollInterval(Duration.ofMillis(200))
                            .until(() -> new HashSet<>(queue.messageIds()).containsAll(expected));
                    second.terminate(Duration.ofSeconds(60));
                }
                first.close();
                return new Result(new ArrayList<>(committed), queue.messageIds());
            } finally {
                writers.shutdownNow();
                rabbit.deleteExchange(settings.exchange());
            }
        }
    }

    private record Result(List<String> committed, List<String> received) {
        long duplicates() {
            return received.size() - new HashSet<>(received).size();
        }
    }
}
