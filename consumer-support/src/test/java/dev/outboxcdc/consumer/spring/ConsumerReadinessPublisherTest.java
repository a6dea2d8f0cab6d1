package dev.outboxcdc.consumer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.consumer.ConsumerState;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Readiness follows the consumer's waiting states, fed to the auto-configured state listener directly. */
class ConsumerReadinessPublisherTest {

    private final ApplicationContextRunner runner = ConsumerContextRunners.payroll();

    @Test
    void waitingForTheDatabaseOrBrokerRefusesTrafficAndRunningAcceptsItAgain() {
        runner.run(context -> {
            ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
            ConsumerReadinessPublisher readiness = context.getBean(ConsumerReadinessPublisher.class);
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);

            readiness.changed(ConsumerState.WAITING_FOR_DATABASE);
            assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
            readiness.changed(ConsumerState.RUNNING);
            assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
            readiness.changed(ConsumerState.WAITING_FOR_BROKER);
            assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
            readiness.changed(ConsumerState.RUNNING);
            assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
        });
    }

    @Test
    void aRefusalPublishedBySomeoneElseIsLeftAlone() {
        runner.run(context -> {
            ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
            ConsumerReadinessPublisher readiness = context.getBean(ConsumerReadinessPublisher.class);
            AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);

            readiness.changed(ConsumerState.WAITING_FOR_BROKER);
            readiness.changed(ConsumerState.RUNNING);

            assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
        });
    }

    @Test
    void whenSpringBootDeclaresTheApplicationReadyWhileTheConsumerWaitsItStaysNotReady() {
        runner.run(context -> {
            ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
            ConsumerReadinessPublisher readiness = context.getBean(ConsumerReadinessPublisher.class);
            readiness.changed(ConsumerState.WAITING_FOR_DATABASE);

            AvailabilityChangeEvent.publish(
                    context, ReadinessState.ACCEPTING_TRAFFIC); // what SpringApplication does when ready

            assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
            readiness.changed(ConsumerState.RUNNING);
            assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
        });
    }

    @Test
    void stoppingChangesNothing() {
        runner.run(context -> {
            ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
            ConsumerReadinessPublisher readiness = context.getBean(ConsumerReadinessPublisher.class);
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);

            readiness.changed(ConsumerState.RUNNING);
            readiness.changed(ConsumerState.STOPPED);

            assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
        });
    }
}
