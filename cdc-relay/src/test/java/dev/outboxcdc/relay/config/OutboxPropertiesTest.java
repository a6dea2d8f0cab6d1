package dev.outboxcdc.relay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class OutboxPropertiesTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        OutboxProperties config = bindEnvironment(Map.of());

        assertThat(config.db())
                .isEqualTo(new OutboxProperties.Db("localhost", 5432, "postgres", "postgres", "", "prefer", ""));
        assertThat(config.table()).isEqualTo("public.outbox_events");
        assertThat(config.slot()).isEqualTo("outbox_relay");
        assertThat(config.publication()).isEqualTo("outbox_relay");
        assertThat(config.rabbitmq().uri()).isEqualTo("amqp://guest:guest@localhost:5672/%2F");
        assertThat(config.exchange()).isEqualTo("outbox.events");
        assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(1));
        assertThat(config.offsetCommitInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.maxEnvelopeSize().toBytes()).isEqualTo(8 * 1024 * 1024);
        assertThat(config.maxQueueBytes().toBytes()).isEqualTo(8 * 1024 * 1024);
        assertThat(config.maxBatchBytes().toBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(config.cutoverTable()).isEqualTo("public.outbox_relay_cutover");
        assertThat(config.rabbitmq().addressList()).isEmpty();
        assertThat(config.queueTypeValue()).isEqualTo(dev.outboxcdc.envelope.QueueType.CLASSIC);
    }

    @Test
    void bindsAClusterAddressListAndTheQueueType() {
        OutboxProperties config = bindEnvironment(Map.of(
                "OUTBOX_RABBITMQ_URI",
                "amqps://relay:hunter2@mq/hr",
                "OUTBOX_RABBITMQ_ADDRESSES",
                "rabbit-1:5671, rabbit-2 ,[::1]:5671",
                "OUTBOX_QUEUETYPE",
                "quorum"));

        assertThat(config.rabbitmq().addressList()).containsExactly("rabbit-1:5671", "rabbit-2", "[::1]:5671");
        assertThat(config.rabbitmq().describe())
                .isEqualTo("amqps://relay:****@mq/hr via rabbit-1:5671, rabbit-2 ,[::1]:5671");
        assertThat(config.queueTypeValue()).isEqualTo(dev.outboxcdc.envelope.QueueType.QUORUM);
    }

    @Test
    void aBatchLargerThanTheQueueIsRefused() {
        assertThatThrownBy(() -> bindEnvironment(Map.of("OUTBOX_MAXQUEUEBYTES", "2MB", "OUTBOX_MAXBATCHBYTES", "4MB")))
                .hasStackTraceContaining("outbox.max-batch-bytes");
    }

    @Test
    void bindsTheDocumentedEnvironmentVariables() {
        OutboxProperties config = bindEnvironment(Map.ofEntries(
                Map.entry("OUTBOX_DB_HOST", "db.internal"),
                Map.entry("OUTBOX_DB_PORT", "6543"),
                Map.entry("OUTBOX_DB_NAME", "personnel"),
                Map.entry("OUTBOX_DB_USER", "relay"),
                Map.entry("OUTBOX_DB_PASSWORD", "s3cret"),
                Map.entry("OUTBOX_DB_SSLMODE", "verify-full"),
                Map.entry("OUTBOX_DB_SSLROOTCERT", "/etc/ca.pem"),
                Map.entry("OUTBOX_TABLE", "hr.outbox"),
                Map.entry("OUTBOX_SLOT", "hr_slot"),
                Map.entry("OUTBOX_PUBLICATION", "hr_pub"),
                Map.entry("OUTBOX_RABBITMQ_URI", "amqps://u:p@mq:5671/hr"),
                Map.entry("OUTBOX_EXCHANGE", "hr.events")));

        assertThat(config.db())
                .isEqualTo(new OutboxProperties.Db(
                        "db.internal", 6543, "personnel", "relay", "s3cret", "verify-full", "/etc/ca.pem"));
        assertThat(config.tableName()).isEqualTo(new TableName("hr", "outbox"));
        assertThat(config.slot()).isEqualTo("hr_slot");
        assertThat(config.publication()).isEqualTo("hr_pub");
        assertThat(config.rabbitmq().uri()).isEqualTo("amqps://u:p@mq:5671/hr");
        assertThat(config.exchange()).isEqualTo("hr.events");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "OUTBOX_SLOT|Outbox-Slot|outbox.slot='Outbox-Slot' is not a valid replication slot name",
                "OUTBOX_PUBLICATION|pub;drop table x|outbox.publication='pub;drop table x' is not a valid identifier",
                "OUTBOX_TABLE|a.b.c|outbox.table='a.b.c' must be table or schema.table",
                "OUTBOX_TABLE|public.Outbox|outbox.table='public.Outbox' is not a valid table name",
                "OUTBOX_EXCHANGE|amq.topic|outbox.exchange='amq.topic' is not a usable exchange name",
                "OUTBOX_DB_SSLMODE|sometimes|outbox.db.sslmode='sometimes' must be one of",
                "OUTBOX_DB_PORT|70000|outbox.db.port='70000' must be between 1 and 65535",
                "OUTBOX_RABBITMQ_URI|http://u:secret@mq|outbox.rabbitmq.uri='http://u:****@mq' must start with amqp:// or amqps://",
                "OUTBOX_MAXQUEUESIZE|10|outbox.max-queue-size='10' must be larger than outbox.max-batch-size",
                "OUTBOX_POLLINTERVAL|0s|outbox.poll-interval='PT0S' must be a positive duration",
                "OUTBOX_OFFSETCOMMITINTERVAL|-1s|outbox.offset-commit-interval='PT-1S' must be a positive duration",
                "OUTBOX_RABBITMQ_ADDRESSES|rabbit-1:5672,,rabbit-3|outbox.rabbitmq.addresses='rabbit-1:5672,,rabbit-3' '' is not host[:port]",
                "OUTBOX_RABBITMQ_ADDRESSES|rabbit-1:99999|'rabbit-1:99999' is not host[:port]",
                "OUTBOX_RABBITMQ_ADDRESSES|amqp://u:secret@mq|is not host[:port]",
                "OUTBOX_QUEUETYPE|stream|outbox.queue-type='stream' must be classic or quorum",
            })
    void rejectsABadValueNamingThePropertyAndTheFix(String variable, String value, String message) {
        assertThatThrownBy(() -> bindEnvironment(Map.of(variable, value)))
                .isInstanceOf(BindException.class)
                .rootCause()
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(message)
                .hasMessageNotContaining("secret");
    }

    @Test
    void neverPrintsPasswords() {
        OutboxProperties config = bindEnvironment(
                Map.of("OUTBOX_DB_PASSWORD", "s3cret", "OUTBOX_RABBITMQ_URI", "amqp://relay:hunter2@mq:5672/%2F"));

        assertThat(config.toString())
                .doesNotContain("s3cret")
                .doesNotContain("hunter2")
                .contains("relay:****@mq");
    }

    /** Binds {@code variables} as the only environment, as the relay binds OUTBOX_* variables. */
    static OutboxProperties bindEnvironment(Map<String, String> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        MutablePropertySources sources = environment.getPropertySources();
        sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        sources.addFirst(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.copyOf(variables)));
        return new Binder(ConfigurationPropertySources.get(environment)).bindOrCreate("outbox", OutboxProperties.class);
    }
}
