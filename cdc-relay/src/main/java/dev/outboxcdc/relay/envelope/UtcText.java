package dev.outboxcdc.relay.envelope;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the one shape of instant that nearly every row has, {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} with a
 * four-digit year (how Debezium writes a {@code timestamptz}), without {@code java.time}'s formatter:
 * parsing and re-formatting each row's {@code created_at} twice through {@code DateTimeFormatter} was
 * a quarter of the relay's own CPU per event. Anything else (offsets, signs, leap seconds, other
 * lengths) is left to the formatter path of {@link CreatedAt}, which gives the same results for this
 * shape. Stateless and thread-safe.
 */
final class UtcText {

    /** {@code yyyy-MM-ddTHH:mm:ssZ}: the shortest text of the shape. */
    private static final int MIN_LENGTH = 20;
    /** With nine fraction digits. */
    private static final int MAX_LENGTH = 30;
    /** The envelope keeps at least this many fraction digits, as {@link CreatedAt#ISO} writes them. */
    private static final int MIN_FRACTION_DIGITS = 6;

    private static final int[] POWERS_OF_TEN = {
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000
    };

    private UtcText() {}

    /** The instant {@code text} holds when it has the shape above and a valid date and time, otherwise null. */
    static Instant parse(String text) {
        int length = text.length();
        if (length < MIN_LENGTH
                || length > MAX_LENGTH
                || text.charAt(length - 1) != 'Z'
                || text.charAt(4) != '-'
                || text.charAt(7) != '-'
                || text.charAt(10) != 'T'
                || text.charAt(13) != ':'
                || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if (year < 0
                || month < 0
                || day < 0
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59) {
            return null;
        }
        int nanos = 0;
        if (length > MIN_LENGTH) { // a fraction: '.' and one to nine digits before the 'Z'
            int fractionDigits = length - MIN_LENGTH - 1;
            if (text.charAt(19) != '.' || fractionDigits < 1) {
                return null;
            }
            int fraction = digits(text, 20, length - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction * POWERS_OF_TEN[9 - fractionDigits];
        } else if (text.charAt(19) != 'Z') {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException noSuchDate) { // month 13, April 31st, ...
            return null;
        }
        return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
    }

    /**
     * {@code text} as the envelope writes an instant of that shape (as {@link CreatedAt#ISO} would): the
     * fraction padded with zeros to six digits, or to nine with trailing zeros beyond the sixth removed.
     * Only for a text {@link #parse} accepted.
     */
    static String canonical(String text) {
        int fractionDigits = text.length() == MIN_LENGTH ? 0 : text.length() - MIN_LENGTH - 1;
        if (fractionDigits == MIN_FRACTION_DIGITS) {
            return text;
        }
        StringBuilder out = new StringBuilder(MAX_LENGTH).append(text, 0, 19).append('.');
        if (fractionDigits > 0) {
            out.append(text, 20, text.length() - 1);
        }
        for (int i = fractionDigits; i < MIN_FRACTION_DIGITS; i++) {
            out.append('0');
        }
        int end = out.length();
        while (end > 20 + MIN_FRACTION_DIGITS && out.charAt(end - 1) == '0') {
            end--;
        }
        out.setLength(end);
        return out.append('Z').toString();
    }

    /** The non-negative number written by the ASCII digits {@code text[from, to)}, or -1. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
