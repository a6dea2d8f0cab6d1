package dev.outboxcdc.relay.envelope;

import static java.time.temporal.ChronoField.HOUR_OF_DAY;
import static java.time.temporal.ChronoField.MINUTE_OF_HOUR;
import static java.time.temporal.ChronoField.NANO_OF_SECOND;
import static java.time.temporal.ChronoField.SECOND_OF_MINUTE;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;

/**
 * Converts every value a {@code created_at} column can hold, as Debezium or JDBC delivers it, to the
 * envelope's ISO-8601 UTC instant, or to a reason naming the column. Never throws. Thread-safe.
 *
 * <p>Instants are written as Debezium writes {@code timestamptz}: at least six fraction digits, years
 * beyond 9999 with a sign ({@code +10000-01-01T00:00:00.000000Z}) and BC years astronomically
 * ({@code 44 BC} is {@code -0043}). An instant whose epoch milliseconds do not fit in a {@code long}
 * (the AMQP timestamp) is refused.
 */
final class CreatedAt {

    static final String COLUMN = "created_at";

    /** What Debezium 3.6 delivers for {@code timestamp} {@code ±infinity} (pgjdbc's infinity markers), in µs and ms. */
    static final long POSITIVE_INFINITY_MICROS = 9_223_372_036_825_200_000L;

    static final long NEGATIVE_INFINITY_MICROS = -9_223_372_036_832_400_000L;
    static final long POSITIVE_INFINITY_MILLIS = POSITIVE_INFINITY_MICROS / 1_000;
    static final long NEGATIVE_INFINITY_MILLIS = NEGATIVE_INFINITY_MICROS / 1_000;
    /** What Debezium 3.6 delivers for {@code date} {@code ±infinity}: its epoch day of infinity cut to an int. */
    static final int POSITIVE_INFINITY_DAYS = -2_147_472_692;

    static final int NEGATIVE_INFINITY_DAYS = -2_147_472_691;
    /** PostgreSQL's first day, 4714-11-24 BC (Julian day 0), and last date, 5874897-12-31, as epoch days. */
    static final long MIN_EPOCH_DAY = -2_440_588;

    static final long MAX_EPOCH_DAY = 2_145_042_905;
    /** PostgreSQL's first timestamp in µs; an older value is a Debezium overflow of a timestamp after 294276. */
    static final long MIN_EPOCH_MICROS = MIN_EPOCH_DAY * 86_400_000_000L;

    /** The last instant Debezium's MicroTimestamp holds; PostgreSQL's timestamps go on to 294276-12-31. */
    static final Instant MAX_MICROS_INSTANT = Instant.EPOCH.plus(Long.MAX_VALUE, java.time.temporal.ChronoUnit.MICROS);

    static final DateTimeFormatter ISO = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .appendValue(HOUR_OF_DAY, 2)
            .appendLiteral(':')
            .appendValue(MINUTE_OF_HOUR, 2)
            .appendLiteral(':')
            .appendValue(SECOND_OF_MINUTE, 2)
            .appendFraction(NANO_OF_SECOND, 6, 9, true)
            .appendLiteral('Z')
            .toFormatter()
            .withZone(ZoneOffset.UTC);

    private static final String MICROS_OVERFLOW = COLUMN + " timestamp after " + ISO.format(MAX_MICROS_INSTANT)
            + " overflows Debezium's microseconds and cannot be represented as an ISO-8601 instant";

    private CreatedAt() {}

    /** A {@code timestamptz} as Debezium's ZonedTimestamp text ({@code infinity} included), or a text column. */
    static ColumnText ofText(String text) {
        if (text == null) {
            return ColumnText.NULL;
        }
        if (UtcText.parse(text) != null) { // nearly every row: no formatter needed
            return ColumnText.of(UtcText.canonical(text));
        }
        if (isInfinity(text)) {
            return infinity(text);
        }
        Instant instant;
        try {
            instant = Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                instant = OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                return ColumnText.bad(text, COLUMN + " " + ColumnText.quote(text) + " is not an ISO-8601 instant");
            }
        }
        return ofInstant(instant, text);
    }

    /** A {@code timestamp} without time zone as Debezium's MicroTimestamp: wall-clock µs read as UTC. */
    static ColumnText ofEpochMicros(long micros) {
        if (micros == POSITIVE_INFINITY_MICROS) {
            return infinity("infinity");
        }
        if (micros == NEGATIVE_INFINITY_MICROS) {
            return infinity("-infinity");
        }
        if (micros < MIN_EPOCH_MICROS) { // before PostgreSQL's first day: Debezium wrapped a value after
            // MAX_MICROS_INSTANT
            return ColumnText.bad(micros + " µs since the epoch", MICROS_OVERFLOW);
        }
        return ofInstant(
                Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L),
                micros + " µs since the epoch");
    }

    /** A {@code timestamp(0..3)} without time zone as Debezium's (milli) Timestamp. */
    static ColumnText ofEpochMillis(long millis) {
        if (millis == POSITIVE_INFINITY_MILLIS) {
            return infinity("infinity");
        }
        if (millis == NEGATIVE_INFINITY_MILLIS) {
            return infinity("-infinity");
        }
        if (millis < MIN_EPOCH_MICROS / 1_000) {
            return outOfRange("timestamp", millis + " ms since the epoch");
        }
        return ofInstant(Instant.ofEpochMilli(millis), millis + " ms since the epoch");
    }

    /** A timestamp as Debezium's NanoTimestamp. */
    static ColumnText ofEpochNanos(long nanos) {
        return ofInstant(
                Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)),
                nanos + " ns since the epoch");
    }

    /** A {@code date} as Debezium's Date (days since the epoch): midnight UTC of that day. */
    static ColumnText ofEpochDays(long days) {
        if (days == POSITIVE_INFINITY_DAYS) {
            return infinity("infinity");
        }
        if (days == NEGATIVE_INFINITY_DAYS) {
            return infinity("-infinity");
        }
        if (days < MIN_EPOCH_DAY || days > MAX_EPOCH_DAY) {
            return outOfRange("date", days + " days since the epoch");
        }
        return ofDate(LocalDate.ofEpochDay(days));
    }

    /**
     * A {@code timestamp} (precision above milliseconds) read by JDBC as UTC; one Debezium cannot hold
     * in its microseconds gets the reason it gets on the WAL path.
     */
    static ColumnText ofMicroTimestamp(Instant instant, String raw) {
        return instant.isAfter(MAX_MICROS_INSTANT) ? ColumnText.bad(raw, MICROS_OVERFLOW) : ofInstant(instant, raw);
    }

    /** A {@code date} read by JDBC: midnight UTC of that day. */
    static ColumnText ofDate(LocalDate date) {
        return ofInstant(date.atStartOfDay(ZoneOffset.UTC).toInstant(), date.toString());
    }

    /** An instant read by JDBC or converted above; {@code raw} is the value as text for a dead-letter body. */
    static ColumnText ofInstant(Instant instant, String raw) {
        try {
            instant.toEpochMilli();
            return ColumnText.of(ISO.format(instant));
        } catch (ArithmeticException | DateTimeException e) {
            return ColumnText.bad(
                    raw,
                    COLUMN + " " + ColumnText.quote(raw)
                            + " is outside the range of an AMQP timestamp (epoch milliseconds in 64 bits)");
        }
    }

    /** A column of a type that holds no point in time. */
    static ColumnText unsupportedType(String type, String raw) {
        return ColumnText.bad(raw, COLUMN + " of type " + type + " is not a date or timestamp");
    }

    /** Whether {@code text} is PostgreSQL's text of an infinite date or timestamp. */
    static boolean isInfinity(String text) {
        String trimmed = text.strip();
        return trimmed.equalsIgnoreCase("infinity")
                || trimmed.equalsIgnoreCase("-infinity")
                || trimmed.equalsIgnoreCase("+infinity");
    }

    static ColumnText infinity(String text) {
        return ColumnText.bad(
                text, COLUMN + " " + ColumnText.quote(text) + " cannot be represented as an ISO-8601 instant");
    }

    private static ColumnText outOfRange(String type, String raw) {
        return ColumnText.bad(
                raw,
                COLUMN + " " + type + " value " + raw
                        + " is outside PostgreSQL's range (Debezium could not represent it) and cannot be represented as an ISO-8601 instant");
    }
}
