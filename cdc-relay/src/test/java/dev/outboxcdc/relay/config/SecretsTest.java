package dev.outboxcdc.relay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.outboxcdc.relay.engine.RelayConfigurationAccess;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretsTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "amqp://guest:guest@localhost:5672/%2F|amqp://guest:****@localhost:5672/%2F",
                "amqps://relay:p%40ss:w0rd@mq.example:5671/hr|amqps://relay:****@mq.example:5671/hr",
                "amqp://localhost:5672|amqp://localhost:5672",
                "amqp://user:s3c@r3t@host/|amqp://user:****@host/",
                "amqp://user:s3/cr3t@host/|amqp://user:****@host/",
                "amqp://user:s3cr3t@ho st/|amqp://user:****@ho st/",
            })
    void masksThePasswordOfAUri(String uri, String masked) {
        assertThat(Secrets.maskUri(uri)).isEqualTo(masked);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "amqp://user:s3cr3t@host:notaport/%2F",
                "amqp://user:s3cr3t@ho st/",
                "amqp://user:s3c@r3t@host/",
                "amqp://user:s3cr3t%zz@host/",
                "amqp://user:s3cr3t@host:99999/",
                "amqp://user:s3cr3t@/",
                "http://user:s3cr3t@host/",
                "amqp://user:s3cr3t@host/%zz",
                "amqps://user:s3cr3t@[::1/",
                "amqp://user:s3/cr3t@host/",
            })
    void anInvalidBrokerUriIsRejectedWithoutItsPassword(String uri) {
        Throwable error = catchThrowable(
                () -> RelayConfigurationAccess.connectionFactory(new OutboxProperties.Rabbitmq(uri, "")));

        assertThat(error).isInstanceOf(InvalidSettingException.class);
        assertThat(((InvalidSettingException) error).getExitCode()).isEqualTo(2);
        for (Throwable t = error; t != null; t = t.getCause()) {
            assertThat(t.getMessage()).doesNotContain("cr3t").doesNotContain("s3c");
            assertThat(t.toString()).doesNotContain("cr3t");
        }
    }
}
