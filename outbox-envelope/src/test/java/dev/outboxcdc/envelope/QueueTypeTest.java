package dev.outboxcdc.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueTypeTest {

    @Test
    void parsesEitherTypeInAnyCaseAndRefusesOthersNamingTheValues() {
        assertThat(QueueType.parse("quorum")).isEqualTo(QueueType.QUORUM);
        assertThat(QueueType.parse(" CLASSIC ")).isEqualTo(QueueType.CLASSIC);
        assertThatThrownBy(() -> QueueType.parse("stream")).hasMessageContaining("use classic or quorum");
        assertThatThrownBy(() -> QueueType.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void addsTheTypeToTheOtherArguments() {
        assertThat(QueueType.QUORUM.arguments(Map.of("x-message-ttl", 1000L)))
                .containsEntry("x-queue-type", "quorum")
                .containsEntry("x-message-ttl", 1000L);
    }

    @Test
    void recognisesRabbitMqsTypeMismatchText() {
        assertThat(QueueType.isTypeMismatch(
                        "PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'q' in vhost '/':"
                                + " received the value 'quorum' of type 'longstr' but current is none"))
                .isTrue();
        assertThat(QueueType.isTypeMismatch("PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue 'q'"))
                .isFalse();
    }
}
