package dev.outboxcdc.relay.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "amqp://guest:guest@localhost:5672/%2F|amqp://guest:****@localhost:5672/%2F",
        "amqps://relay:p%40ss:w0rd@mq.example:5671/hr|amqps://relay:****@mq.example:5671/hr",
        "amqp://localhost:5672|amqp://localhost:5672",
    })
    void masksThePasswordOfAUri(String uri, String masked) {
        assertThat(Secrets.maskUri(uri)).isEqualTo(masked);
    }
}
