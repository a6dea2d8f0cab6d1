package dev.outboxcdc.relay.envelope;

/**
 * UTF-8 lengths, encoding and validation without intermediate copies, for payloads of megabytes on
 * a 128 MB heap. Stateless and thread-safe.
 */
final class Utf8 {

    /** Returned by {@link #length} for text holding an unpaired surrogate, which has no UTF-8 form. */
    static final long MALFORMED = -1;

    private Utf8() {}

    /** The UTF-8 length of {@code text}, or {@link #MALFORMED}; allocates nothing. */
    static long length(CharSequence text) {
        long bytes = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (!Character.isSurrogate(c)) {
                bytes += 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                return MALFORMED;
            }
        }
        return bytes;
    }

    /**
     * Encodes {@code text}, which must not be {@link #MALFORMED}, into {@code out} from {@code position}.
     *
     * @return the position after the last byte written
     */
    static int encode(CharSequence text, byte[] out, int position) {
        int p = position;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                out[p++] = (byte) c;
            } else if (c < 0x800) {
                out[p++] = (byte) (0xC0 | c >> 6);
                out[p++] = (byte) (0x80 | c & 0x3F);
            } else if (!Character.isSurrogate(c)) {
                out[p++] = (byte) (0xE0 | c >> 12);
                out[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[p++] = (byte) (0x80 | c & 0x3F);
            } else {
                int codePoint = Character.toCodePoint(c, text.charAt(++i));
                out[p++] = (byte) (0xF0 | codePoint >> 18);
                out[p++] = (byte) (0x80 | codePoint >> 12 & 0x3F);
                out[p++] = (byte) (0x80 | codePoint >> 6 & 0x3F);
                out[p++] = (byte) (0x80 | codePoint & 0x3F);
            }
        }
        return p;
    }

    /**
     * Checks strictly (as a decoder that reports malformed input does: no overlong forms, no
     * surrogates, nothing above U+10FFFF) that {@code bytes[offset, offset + length)} is UTF-8.
     *
     * @return -1 when valid, else the index (relative to {@code offset}) of the first byte of the bad sequence
     */
    static int firstInvalidByte(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int i = offset;
        while (i < end) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int extra;
            int min;
            int max = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                extra = 1;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                extra = 2;
                min = b == 0xE0 ? 0xA0 : 0x80;
                max = b == 0xED ? 0x9F : 0xBF;
            } else if (b >= 0xF0 && b <= 0xF4) {
                extra = 3;
                min = b == 0xF0 ? 0x90 : 0x80;
                max = b == 0xF4 ? 0x8F : 0xBF;
            } else {
                return i - offset;
            }
            if (i + extra >= end) {
                return i - offset;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < min || second > max) {
                return i - offset;
            }
            for (int k = 2; k <= extra; k++) {
                int next = bytes[i + k] & 0xFF;
                if (next < 0x80 || next > 0xBF) {
                    return i - offset;
                }
            }
            i += extra + 1;
        }
        return -1;
    }
}
