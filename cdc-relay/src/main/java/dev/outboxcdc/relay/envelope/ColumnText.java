package dev.outboxcdc.relay.envelope;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One column's value as text, or, when it cannot be converted, its raw text (for the dead-letter
 * body) with the reason naming the column.
 *
 * @param text    the converted value; the raw value as text when {@code problem} is set; null for SQL NULL
 * @param problem why the value cannot be used, naming the column, or null
 */
record ColumnText(String text, String problem) {

    /** Longest stretch of a bad value quoted in a reason. */
    static final int QUOTED_CHARS = 64;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    static final ColumnText NULL = new ColumnText(null, null);

    static ColumnText of(String text) {
        return text == null ? NULL : new ColumnText(text, null);
    }

    static ColumnText bad(String rawText, String problem) {
        return new ColumnText(rawText, problem);
    }

    /** Any value Debezium or JDBC delivers for a text-like column; bytes must be strict UTF-8. */
    static ColumnText ofValue(String column, Object value) {
        if (value == null) {
            return NULL;
        }
        if (value instanceof String text) {
            return of(text);
        }
        if (value instanceof ByteBuffer buffer) {
            if (buffer.hasArray()) {
                return ofBytes(column, buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            }
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            return ofBytes(column, copy, 0, copy.length);
        }
        if (value instanceof byte[] bytes) {
            return ofBytes(column, bytes, 0, bytes.length);
        }
        return of(value.toString());
    }

    /**
     * Bytes ({@code bytea}) decoded strictly as UTF-8; else their PostgreSQL hex text ({@code \x…}) and a reason.
     * The hex text stops a little beyond what a dead-letter body keeps, so a bad payload of megabytes costs no more.
     */
    static ColumnText ofBytes(String column, byte[] bytes, int offset, int length) {
        int invalid = Utf8.firstInvalidByte(bytes, offset, length);
        if (invalid < 0) {
            return of(new String(bytes, offset, length, StandardCharsets.UTF_8));
        }
        return bad(
                hex(bytes, offset, Math.min(length, DeadLetters.DEAD_LETTER_PAYLOAD_CHARS / 2 + 1)),
                column + " bytea is not valid UTF-8 (invalid byte 0x" + HEX[(bytes[offset + invalid] >> 4) & 0xF]
                        + HEX[bytes[offset + invalid] & 0xF] + " at offset " + invalid + ")");
    }

    /** {@code text} in single quotes, cut to {@value #QUOTED_CHARS} characters, for a reason. */
    static String quote(String text) {
        if (text.length() <= QUOTED_CHARS) {
            return "'" + text + "'";
        }
        int end = Character.isHighSurrogate(text.charAt(QUOTED_CHARS - 1)) ? QUOTED_CHARS - 1 : QUOTED_CHARS;
        return "'" + text.substring(0, end) + "…' (" + text.length() + " characters)";
    }

    private static String hex(byte[] bytes, int offset, int length) {
        StringBuilder out = new StringBuilder(2 + 2 * length).append("\\x");
        for (int i = offset; i < offset + length; i++) {
            out.append(HEX[(bytes[i] >> 4) & 0xF]).append(HEX[bytes[i] & 0xF]);
        }
        return out.toString();
    }
}
