package dev.outboxcdc.consumer.spring;

import dev.outboxcdc.consumer.ProcessedEvents;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Prunes processed_events older than the retention, periodically, on a thread of its own. */
final class ProcessedEventsPruner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProcessedEventsPruner.class);

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "outbox-processed-events-pruner");
        thread.setDaemon(true);
        return thread;
    });

    ProcessedEventsPruner(DataSource dataSource, Duration retention, Duration interval) {
        executor.scheduleWithFixedDelay(
                () -> prune(dataSource, retention), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void prune(DataSource dataSource, Duration retention) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            long deleted = ProcessedEvents.deleteOlderThan(connection, retention, ProcessedEvents.DEFAULT_PRUNE_BATCH);
            log.debug("Pruned {} processed_events row(s) older than {}", deleted, retention);
        } catch (SQLException | RuntimeException e) {
            log.warn("Pruning processed_events failed; retrying at the next interval: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
