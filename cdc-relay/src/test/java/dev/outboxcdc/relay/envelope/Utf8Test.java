package dev.outboxcdc.relay.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.envelope.EnvelopeCodec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {

    private final Random random = new Random(12);

    @Test
    void countsAndEncodesAsTheJdkDoes() {
        for (int i = 0; i < 2_000; i++) {
            String text = randomText(random.nextInt(40));
            byte[] expected = text.getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[expected.length + 2];

            assertThat(Utf8.length(text)).isEqualTo(expected.length);
            assertThat(Utf8.encode(text, out, 1)).isEqualTo(expected.length + 1);
            assertThat(java.util.Arrays.copyOfRange(out, 1, expected.length + 1))
                    .isEqualTo(expected);
        }
        assertThat(Utf8.length("a\ud800b")).isEqualTo(Utf8.MALFORMED);
        assertThat(Utf8.length("a\udc00")).isEqualTo(Utf8.MALFORMED);
        assertThat(Utf8.length("\ud800")).isEqualTo(Utf8.MALFORMED);
    }

    @Test
    void validatesBytesAsStrictlyAsTheJdkDecoder() {
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = i % 2 == 0 ? randomBytes() : mutate(randomText(12).getBytes(StandardCharsets.UTF_8));

            assertThat(Utf8.firstInvalidByte(bytes, 0, bytes.length) < 0)
                    .as(java.util.HexFormat.of().formatHex(bytes))
                    .isEqualTo(jdkAccepts(bytes));
        }
        assertThat(Utf8.firstInvalidByte(new byte[] {'a', (byte) 0xE2, (byte) 0x82}, 0, 3))
                .isEqualTo(1);
        assertThat(Utf8.firstInvalidByte(new byte[] {'a', (byte) 0xC0, (byte) 0xAF}, 0, 3))
                .as("overlong")
                .isEqualTo(1);
        assertThat(Utf8.firstInvalidByte(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, 0, 3))
                .as("surrogate")
                .isZero();
        assertThat(Utf8.firstInvalidByte(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, 0, 4))
                .isZero();
    }

    @Test
    void writesTheEnvelopeByteForByteAsTheSharedCodec() {
        String[] types = {
            "employee.created", "quote\"back\\slash", "tab\tnew\nline\r\f\b\u0001\u001f\u007f", "é€😀", "\ud83d"
        };
        String[] payloads = {"{}", "{\"name\": \"Zoë 😀\", \"n\": 12.50}", "[1, \"\\u0000\"]", " \"x\" "};
        for (String type : types) {
            for (String payload : payloads) {
                String timestamp = "2025-12-05T01:02:03.456789Z";
                long size = EnvelopeBytes.size(
                        "6f1c2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b", type, timestamp, Utf8.length(payload));

                byte[] ours = EnvelopeBytes.write(
                        "6f1c2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b", type, timestamp, payload, (int) size);

                assertThat(ours)
                        .as(type + " / " + payload)
                        .isEqualTo(
                                EnvelopeCodec.write("6f1c2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b", type, timestamp, payload));
            }
        }
    }

    private String randomText(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(4)) {
                case 0 -> text.append((char) random.nextInt(0x80));
                case 1 -> text.append((char) (0x80 + random.nextInt(0x780)));
                case 2 -> text.append((char) (0x800 + random.nextInt(0xD000)));
                default -> text.appendCodePoint(0x10000 + random.nextInt(0x100000));
            }
        }
        return text.toString();
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[random.nextInt(8)];
        random.nextBytes(bytes);
        return bytes;
    }

    private byte[] mutate(byte[] bytes) {
        if (bytes.length > 0) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
