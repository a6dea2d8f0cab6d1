package dev.outboxcdc.relay.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay's Micrometer meters; Prometheus names them {@code outbox_relay_events_published_total},
 * {@code outbox_relay_events_dead_lettered_total}, {@code outbox_relay_events_unrouted_total},
 * {@code outbox_relay_commit_to_publish_seconds}, {@code outbox_relay_replication_slot_lag_bytes} and
 * {@code outbox_relay_ready}.
 */
public final class RelayMetrics {

    private final Counter published;
    private final Counter deadLettered;
    private final Counter unrouted;
    private final Timer commitToPublish;
    private final AtomicLong slotLagBytes = new AtomicLong(-1);

    /** Registers the meters in {@code registry}; {@code outbox_relay_ready} follows {@code status}. */
    public RelayMetrics(MeterRegistry registry, RelayStatus status) {
        published = Counter.builder("outbox.relay.events.published")
                .description("Events RabbitMQ confirmed")
                .register(registry);
        deadLettered = Counter.builder("outbox.relay.events.dead.lettered")
                .description("Rows that could not become an envelope, published to outbox.dead-letter")
                .register(registry);
        unrouted = Counter.builder("outbox.relay.events.unrouted")
                .description("Events no queue was bound for, re-published to outbox.unrouted")
                .register(registry);
        commitToPublish = Timer.builder("outbox.relay.commit.to.publish")
                .description("Time from the row's commit to RabbitMQ's confirm")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        Gauge.builder("outbox.relay.replication.slot.lag", slotLagBytes, AtomicLong::get)
                .baseUnit("bytes")
                .description("WAL bytes the slot retains: pg_current_wal_lsn() - confirmed_flush_lsn (-1 when unknown)")
                .register(registry);
        Gauge.builder("outbox.relay.ready", status, s -> s.isReady() ? 1 : 0)
                .description("1 while streaming from the slot with RabbitMQ connected, else 0 (standby, reconnecting)")
                .register(registry);
    }

    /** Counts one confirmed event and records its commit-to-confirm latency. */
    public void published(long commitTimeMillis, long nowMillis) {
        published.increment();
        commitToPublish.record(Math.max(0, nowMillis - commitTimeMillis), TimeUnit.MILLISECONDS);
    }

    /** Counts a dead-lettered row. */
    public void deadLettered() {
        deadLettered.increment();
    }

    /** Counts events re-published to outbox.unrouted. */
    public void unrouted(int count) {
        unrouted.increment(count);
    }

    /** Updates the slot lag. */
    public void slotLagBytes(long bytes) {
        slotLagBytes.set(bytes);
    }
}
