package dev.outboxcdc.relay.envelope;

import dev.outboxcdc.envelope.Envelope;
import dev.outboxcdc.envelope.EnvelopeCodec;

/**
 * Writes the envelope body byte for byte as {@link EnvelopeCodec#write(String, String, String, String)}
 * does (its unit test holds the two equal), but sized exactly before it is built and written into one
 * array of that size: a payload of megabytes is encoded once, with no intermediate buffers or copies.
 * Strings are escaped as Jackson escapes them by default: {@code "} and {@code \} with a backslash,
 * control characters as {@code \b \t \n \f \r} or a six-character unicode escape, each UTF-16 surrogate as a unicode escape;
 * every other character as UTF-8. Stateless and thread-safe.
 */
final class EnvelopeBytes {

    private static final String START = "{\"" + Envelope.EVENT_ID + "\":\"";
    private static final String AFTER_ID = "\",\"" + Envelope.EVENT_TYPE + "\":\"";
    private static final String AFTER_TYPE = "\",\"" + Envelope.TIMESTAMP + "\":\"";
    private static final String AFTER_TIMESTAMP = "\",\"" + Envelope.DATA + "\":";
    private static final String END = "}";
    /** The bytes of an envelope besides its four values. */
    static final int FIXED_BYTES =
            START.length() + AFTER_ID.length() + AFTER_TYPE.length() + AFTER_TIMESTAMP.length() + END.length();

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private EnvelopeBytes() {}

    /** The exact body size, given the payload's UTF-8 length ({@link Utf8#length}); allocates nothing. */
    static long size(String eventId, String eventType, String timestamp, long payloadBytes) {
        return FIXED_BYTES
                + escapedLength(eventId)
                + escapedLength(eventType)
                + escapedLength(timestamp)
                + payloadBytes;
    }

    /**
     * Writes the body; {@code size} must be {@link #size} of the same values and {@code rawData} one
     * valid JSON value with a UTF-8 form.
     */
    static byte[] write(String eventId, String eventType, String timestamp, String rawData, int size) {
        byte[] out = new byte[size];
        int p = ascii(START, out, 0);
        p = escaped(eventId, out, p);
        p = ascii(AFTER_ID, out, p);
        p = escaped(eventType, out, p);
        p = ascii(AFTER_TYPE, out, p);
        p = escaped(timestamp, out, p);
        p = ascii(AFTER_TIMESTAMP, out, p);
        p = Utf8.encode(rawData, out, p);
        p = ascii(END, out, p);
        if (p != size) {
            throw new IllegalStateException(
                    "envelope of event " + eventId + " is " + p + " bytes, not the " + size + " computed");
        }
        return out;
    }

    static long escapedLength(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20) {
                bytes += shortEscape(c) != 0 ? 2 : 6;
            } else if (c == '"' || c == '\\') {
                bytes += 2;
            } else if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isSurrogate(c)) {
                bytes += 6;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static int escaped(String text, byte[] out, int position) {
        int p = position;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                out[p++] = '\\';
                char escape = c == '"' || c == '\\' ? c : shortEscape(c);
                if (escape != 0) {
                    out[p++] = (byte) escape;
                } else {
                    out[p++] = 'u';
                    out[p++] = HEX[c >> 12 & 0xF];
                    out[p++] = HEX[c >> 8 & 0xF];
                    out[p++] = HEX[c >> 4 & 0xF];
                    out[p++] = HEX[c & 0xF];
                }
            } else if (c < 0x80) {
                out[p++] = (byte) c;
            } else if (c < 0x800) {
                out[p++] = (byte) (0xC0 | c >> 6);
                out[p++] = (byte) (0x80 | c & 0x3F);
            } else {
                out[p++] = (byte) (0xE0 | c >> 12);
                out[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[p++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return p;
    }

    private static char shortEscape(char c) {
        return switch (c) {
            case '\b' -> 'b';
            case '\t' -> 't';
            case '\n' -> 'n';
            case '\f' -> 'f';
            case '\r' -> 'r';
            default -> 0;
        };
    }

    private static int ascii(String text, byte[] out, int position) {
        for (int i = 0; i < text.length(); i++) {
            out[position + i] = (byte) text.charAt(i);
        }
        return position + text.length();
    }
}
