package dev.outboxcdc.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvelopeCodecTest {

    private static final String ID = "6f1c2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b";

    @Test
    void writesExactlyTheFourKeysWithThePayloadAsRawJson() {
        byte[] body = EnvelopeCodec.write(
                ID,
                "employee.created",
                "2025-12-05T01:02:03.456789Z",
                "{\"salary\": 12.50, \"big\": 12345678901234567890.123}");

        assertThat(new String(body, StandardCharsets.UTF_8))
                .isEqualTo("{\"eventId\":\"" + ID + "\","
                        + "\"eventType\":\"employee.created\",\"timestamp\":\"2025-12-05T01:02:03.456789Z\","
                        + "\"data\":{\"salary\": 12.50, \"big\": 12345678901234567890.123}}");
    }

    @Test
    void escapesTextFields() {
        byte[] body = EnvelopeCodec.write(ID, "a\"b\\c", "2025-12-05T01:02:03Z", "null");

        assertThat(EnvelopeCodec.read(body).eventType()).isEqualTo("a\"b\\c");
    }

    @Test
    void readsWhatItWrites() throws Exception {
        Envelope envelope = new Envelope(
                UUID.fromString(ID),
                "employee.created",
                Instant.parse("2025-12-05T01:02:03.456789Z"),
                new ObjectMapper()
                        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                        .readTree("{\"name\":\"Ada\",\"n\":1.10}"));

        Envelope read = EnvelopeCodec.read(EnvelopeCodec.write(envelope));

        assertThat(read).isEqualTo(envelope);
        assertThat(read.data().get("n").decimalValue()).isEqualByComparingTo("1.10");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "not json|body is not valid JSON",
                "[1,2]|body is not a JSON object",
                "{\"eventType\":\"t\",\"timestamp\":\"2025-12-05T01:02:03Z\",\"data\":{}}|missing eventId",
                "{\"eventId\":\"nope\",\"eventType\":\"t\",\"timestamp\":\"2025-12-05T01:02:03Z\",\"data\":{}}|eventId is not a UUID",
                "{\"eventId\":\"" + ID
                        + "\",\"eventType\":\" \",\"timestamp\":\"2025-12-05T01:02:03Z\",\"data\":{}}|eventType is blank",
                "{\"eventId\":\"" + ID
                        + "\",\"eventType\":7,\"timestamp\":\"2025-12-05T01:02:03Z\",\"data\":{}}|eventType is not a string",
                "{\"eventId\":\"" + ID
                        + "\",\"eventType\":\"t\",\"timestamp\":\"yesterday\",\"data\":{}}|timestamp is not an ISO-8601 instant",
                "{\"eventId\":\"" + ID + "\",\"eventType\":\"t\",\"timestamp\":\"2025-12-05T01:02:03Z\"}|missing data",
            })
    void rejectsInvalidBodiesNamingTheRule(String body, String reason) {
        assertThatThrownBy(() -> EnvelopeCodec.read(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEnvelopeException.class)
                .hasMessageStartingWith(reason);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{}|true",
                "[1, 2]|true",
                "\"text\"|true",
                "12.50|true",
                " {\"a\": 1} |true",
                "{|false",
                "{} {}|false",
                "hello|false",
                "' '|false",
                "{\"a\": }|false"
            })
    void recognisesExactlyOneJsonValue(String text, boolean json) {
        assertThat(EnvelopeCodec.isJson(text)).isEqualTo(json);
    }
}
