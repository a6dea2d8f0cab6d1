package dev.outboxcdc.consumer.spring;

import dev.outboxcdc.consumer.ConsumerState;
import dev.outboxcdc.consumer.ConsumerStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;

/**
 * Makes the application not ready ({@link ReadinessState#REFUSING_TRAFFIC}) while the consumer waits for its
 * database or broker, and ready again when it runs, but only when it was the consumer that made it not ready:
 * a refusal published by someone else is left alone. When Spring Boot declares the application ready while the
 * consumer still waits (a start during an outage), it refuses traffic again. Listener calls are short and
 * synchronised; they come from consumer threads and from the context's event multicaster.
 */
public final class ConsumerReadinessPublisher
        implements ConsumerStateListener, ApplicationListener<AvailabilityChangeEvent<ReadinessState>> {

    private static final Logger log = LoggerFactory.getLogger(ConsumerReadinessPublisher.class);

    private final ApplicationEventPublisher publisher;
    private final ApplicationAvailability availability;
    private ConsumerState state = ConsumerState.STOPPED;
    private boolean refusedByConsumer;

    /**
     * Publishes through {@code publisher}.
     *
     * @param availability the application's availability, to leave a refusal by others alone; may be null
     */
    public ConsumerReadinessPublisher(ApplicationEventPublisher publisher, ApplicationAvailability availability) {
        this.publisher = publisher;
        this.availability = availability;
    }

    @Override
    public synchronized void changed(ConsumerState newState) {
        state = newState;
        if (waiting()) {
            if (!refusedByConsumer && currentReadiness() != ReadinessState.REFUSING_TRAFFIC) {
                refuse();
            }
        } else if (newState == ConsumerState.RUNNING && refusedByConsumer) {
            refusedByConsumer = false;
            log.info("Outbox consumer is running again: the application accepts traffic");
            AvailabilityChangeEvent.publish(publisher, this, ReadinessState.ACCEPTING_TRAFFIC);
        }
    }

    /** Refuses again when someone else (Spring Boot at start-up) declares the application ready while the consumer waits. */
    @Override
    public synchronized void onApplicationEvent(AvailabilityChangeEvent<ReadinessState> event) {
        if (event.getSource() != this && event.getState() == ReadinessState.ACCEPTING_TRAFFIC && waiting()) {
            refuse();
        }
    }

    private boolean waiting() {
        return state == ConsumerState.WAITING_FOR_DATABASE || state == ConsumerState.WAITING_FOR_BROKER;
    }

    private void refuse() {
        refusedByConsumer = true;
        log.info("Outbox consumer is {}: the application refuses traffic until it runs again", state);
        AvailabilityChangeEvent.publish(publisher, this, ReadinessState.REFUSING_TRAFFIC);
    }

    private ReadinessState currentReadiness() {
        return availability == null ? null : availability.getReadinessState();
    }
}
