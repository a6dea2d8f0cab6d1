package dev.outboxcdc.relay.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UtcTextTest {

    @Test
    void readsWhatTheFormatterReadsForRandomInstantsOfEveryFractionLength() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(
                    random.nextLong(-62_135_596_800L, 253_402_300_799L), random.nextInt(1_000_000_000));
            String full = instant.toString(); // 0, 3, 6 or 9 fraction digits
            String text = i % 3 == 0 ? CreatedAt.ISO.format(instant) : full;
            assertThat(UtcText.parse(text)).as(text).isEqualTo(Instant.parse(text));
            assertThat(UtcText.canonical(text)).as(text).isEqualTo(CreatedAt.ISO.format(Instant.parse(text)));
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-12-07T22:33:41Z",
                "2026-12-07T22:33:41.1Z",
                "2026-12-07T22:33:41.12Z",
                "2026-12-07T22:33:41.123456Z",
                "2026-12-07T22:33:41.1234567Z",
                "2026-12-07T22:33:41.120000000Z",
                "2024-02-29T00:00:00Z",
                "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999Z"
            })
    void acceptsTheCanonicalShapeAndMatchesTheFormatter(String text) {
        assertThat(UtcText.parse(text)).isEqualTo(Instant.parse(text));
        assertThat(UtcText.canonical(text)).isEqualTo(CreatedAt.ISO.format(Instant.parse(text)));
        assertThat(CreatedAt.ofText(text).text()).isEqualTo(CreatedAt.ISO.format(Instant.parse(text)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-02-29T00:00:00Z",
                "2026-04-31T00:00:00Z",
                "2026-13-01T00:00:00Z",
                "2026-00-01T00:00:00Z",
                "2026-12-00T00:00:00Z",
                "2026-12-07T24:00:00Z",
                "2026-12-07T23:60:00Z",
                "2026-12-07T23:59:60Z",
                "2026-12-07T22:33:41.Z",
                "2026-12-07T22:33:41.1234567890Z",
                "2026-12-07 22:33:41Z",
                "2026-12-07T22:33:41+00:00",
                "+10000-01-01T00:00:00Z",
                "-0043-03-15T00:00:00Z",
                "2026-12-07T22:33:4xZ",
                "２026-12-07T22:33:41Z",
                "2026-12-07T22:33:41,5Z",
                "infinity",
                "",
                "Z"
            })
    void leavesEverythingElseToTheFormatterPath(String text) {
        assertThat(UtcText.parse(text)).isNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-02-29T00:00:00Z",
                "2026-12-07T23:59:60Z",
                "-0043-03-15T00:00:00Z",
                "+10000-01-01T00:00:00Z",
                "2026-12-07T22:33:41+02:00"
            })
    void createdAtGivesTheFormattersAnswerForShapesTheFastPathRefuses(String text) {
        ColumnText converted = CreatedAt.ofText(text);
        Instant expected;
        try {
            expected = Instant.parse(text);
        } catch (DateTimeParseException e) {
            expected = null;
        }
        if (expected == null && converted.problem() == null) {
            expected = java.time.OffsetDateTime.parse(text).toInstant();
        }
        if (expected != null) {
            assertThat(converted.text()).isEqualTo(CreatedAt.ISO.format(expected));
        } else {
            assertThat(converted.problem()).contains("created_at");
        }
    }
}
