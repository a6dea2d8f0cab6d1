package dev.outboxcdc.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedUuidTest {

    @Test
    void isAVersion7UuidCarryingItsMillisecond() {
        UUID id = TimeOrderedUuid.at(1_764_896_523_456L);

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(1_764_896_523_456L);
    }

    @Test
    void sortsByTimeAcrossMilliseconds() {
        UUID earlier = TimeOrderedUuid.at(1_000_000L);
        UUID later = TimeOrderedUuid.at(1_000_001L);

        assertThat(earlier.toString()).isLessThan(later.toString());
        assertThat(TimeOrderedUuid.next()).isNotEqualTo(TimeOrderedUuid.next());
    }
}
