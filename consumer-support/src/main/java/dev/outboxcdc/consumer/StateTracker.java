package dev.outboxcdc.consumer;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ConsumerState} of one consumer, from what its workers and its connection report; logs
 * each change once and tells the listener. Thread-safe.
 */
final class StateTracker {

    private static final Logger log = LoggerFactory.getLogger(StateTracker.class);

    private final String consumer;
    private final ConsumerStateListener listener;
    private final Set<Object> waitingForDatabase = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean running;
    private boolean brokerLost;
    private long waitingSince;
    private volatile ConsumerState state = ConsumerState.STOPPED;

    StateTracker(String consumer, ConsumerStateListener listener) {
        this.consumer = consumer;
        this.listener = listener;
    }

    ConsumerState state() {
        return state;
    }

    synchronized void started() {
        running = true;
        brokerLost = false;
        waitingForDatabase.clear();
        update(null);
    }

    synchronized void stopped() {
        running = false;
        update(null);
    }

    synchronized void brokerLost(String reason) {
        brokerLost = true;
        update(reason);
    }

    synchronized void brokerRecovered() {
        brokerLost = false;
        update(null);
    }

    /** {@code worker} holds a delivery the database refused: {@code reason} says why. */
    synchronized void databaseUnavailable(Object worker, String reason) {
        waitingForDatabase.add(worker);
        update(reason);
    }

    /** {@code worker}'s last transaction reached the database. */
    synchronized void databaseAnswered(Object worker) {
        if (waitingForDatabase.remove(worker)) {
            update(null);
        }
    }

    private void update(String reason) {
        ConsumerState next = !running
                ? ConsumerState.STOPPED
                : brokerLost
                        ? ConsumerState.WAITING_FOR_BROKER
                        : !waitingForDatabase.isEmpty() ? ConsumerState.WAITING_FOR_DATABASE : ConsumerState.RUNNING;
        ConsumerState previous = state;
        if (next == previous) {
            return;
        }
        state = next;
        long now = System.nanoTime();
        switch (next) {
            case WAITING_FOR_DATABASE ->
                log.warn(
                        "Consumer {} waits for the database, holding its deliveries and retrying"
                                + " them with backoff (not counted as failed attempts): {}",
                        consumer,
                        reason);
            case WAITING_FOR_BROKER ->
                log.warn("Consumer {} lost its broker connection, recovering it: {}", consumer, reason);
            case RUNNING -> {
                if (previous == ConsumerState.STOPPED) {
                    log.debug("Consumer {} is running", consumer);
                } else {
                    log.info(
                            "Consumer {} resumed after {} ms {}",
                            consumer,
                            (now - waitingSince) / 1_000_000,
                            previous == ConsumerState.WAITING_FOR_DATABASE
                                    ? "waiting for the database"
                                    : "without a broker");
                }
            }
            case STOPPED -> log.debug("Consumer {} stopped", consumer);
        }
        if (previous == ConsumerState.RUNNING || previous == ConsumerState.STOPPED) {
            waitingSince = now;
        }
        try {
            listener.changed(next);
        } catch (RuntimeException e) {
            log.warn("The state listener of consumer {} failed on {}", consumer, next, e);
        }
    }
}
