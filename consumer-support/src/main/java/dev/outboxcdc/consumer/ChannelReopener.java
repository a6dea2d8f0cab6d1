package dev.outboxcdc.consumer;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the channel of a worker again after the broker closed it by itself or cancelled its consumer (its queue was
 * deleted: then the subscription's queues are declared again first), on a scheduler thread, trying with a growing
 * backoff until it works, the worker was released, or the consumer stops. Thread-safe.
 */
final class ChannelReopener implements QueueWorker.Lost {

    private static final Logger log = LoggerFactory.getLogger(ChannelReopener.class);

    /** Declares the queues of a subscription again. */
    @FunctionalInterface
    interface Declarer {
        void declare(String queue, Subscription subscription) throws IOException;
    }

    private final String consumer;
    private final ScheduledExecutorService scheduler;
    private final StopSignal stop;
    private final Declarer declarer;
    private final Backoff backoff;

    ChannelReopener(
            String consumer, ScheduledExecutorService scheduler, StopSignal stop, Declarer declarer, Backoff backoff) {
        this.consumer = consumer;
        this.scheduler = scheduler;
        this.stop = stop;
        this.declarer = declarer;
        this.backoff = backoff;
    }

    @Override
    public void lost(QueueWorker worker, boolean redeclare) {
        schedule(worker, 1, redeclare);
    }

    private void schedule(QueueWorker worker, int attempt, boolean redeclare) {
        if (stop.stopping()) {
            return;
        }
        Duration wait = backoff.delay(attempt);
        try {
            scheduler.schedule(() -> reopen(worker, attempt, redeclare), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Not reopening a channel of {}: the consumer is stopping", worker.queue());
        }
    }

    private void reopen(QueueWorker worker, int attempt, boolean redeclare) {
        if (stop.stopping() || worker.released()) {
            return;
        }
        try {
            worker.abandon();
            if (redeclare) {
                declarer.declare(worker.queue(), worker.subscription());
            }
            worker.open();
            log.info("Consumer {} consumes {} again", consumer, worker.consumed());
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "Consumer {} could not consume {} again (try {}), retrying: {}",
                    consumer,
                    worker.queue(),
                    attempt,
                    e.getMessage());
            schedule(worker, attempt + 1, redeclare);
        }
    }
}
