package dev.outboxcdc.relay.engine;

import dev.outboxcdc.relay.config.OutboxProperties;
import dev.outboxcdc.relay.db.OutboxTableInfo;
import dev.outboxcdc.relay.db.PgConnections;
import dev.outboxcdc.relay.envelope.MessageFactory;
import dev.outboxcdc.relay.envelope.OutboxRow;
import io.debezium.config.Configuration;
import io.debezium.connector.postgresql.PostgresConnectorConfig;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.security.NoSuchAlgorithmException;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training start of {@code scripts/relay-cds.sh} ({@code outbox.cds-training=true}): loads the
 * classes the relay's own start needs (Debezium's engine and PostgreSQL connector, pgjdbc, TLS, the
 * envelope) without connecting to anything, so that the class-data sharing archive recorded at exit
 * holds them too. Never active in a normal start.
 */
final class ClassDataTraining {

    private static final Logger log = LoggerFactory.getLogger(ClassDataTraining.class);

    /** Connector classes loaded only once the engine runs. */
    private static final String[] ENGINE_CLASSES = {
        "io.debezium.connector.postgresql.PostgresConnector",
        "io.debezium.connector.postgresql.PostgresConnectorTask",
        "io.debezium.connector.postgresql.PostgresStreamingChangeEventSource",
        "io.debezium.connector.postgresql.PostgresChangeRecordEmitter",
        "io.debezium.connector.postgresql.connection.PostgresReplicationConnection",
        "io.debezium.connector.postgresql.connection.pgoutput.PgOutputMessageDecoder",
        "io.debezium.embedded.async.AsyncEmbeddedEngine",
        "io.debezium.embedded.async.ParallelSmtAndConvertBatchProcessor",
        "org.apache.kafka.connect.json.JsonConverter",
        "org.postgresql.core.v3.ConnectionFactoryImpl",
        "org.postgresql.core.v3.QueryExecutorImpl",
        "org.postgresql.core.v3.replication.V3PGReplicationStream",
        "org.postgresql.ssl.MakeSSL",
        "com.rabbitmq.client.impl.AMQConnection",
        "com.rabbitmq.client.impl.ChannelN",
    };

    private ClassDataTraining() {}

    static void loadRelayClasses(OutboxProperties config) {
        Properties properties = DebeziumConfig.engineProperties(
                config, new OutboxTableInfo(config.tableName(), true), new PgConnections(config.db()), "cds-training");
        new PostgresConnectorConfig(Configuration.from(properties))
                .validateAndRecord(PostgresConnectorConfig.ALL_FIELDS, message -> {});
        try (DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(
                        ChangeEventFormat.of(Connect.class))
                .using(properties)
                .notifying((records, committer) -> {})
                .build()) {
            log.debug(
                    "Built an engine for the class-data sharing archive: {}",
                    engine.getClass().getName());
        } catch (Exception | LinkageError e) {
            log.warn(
                    "Class-data sharing training: building the engine failed ({}); the archive holds fewer classes",
                    e.toString());
        }
        ClassLoader loader = ClassDataTraining.class.getClassLoader();
        for (String name : ENGINE_CLASSES) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                log.warn("Class-data sharing training: {} not loaded ({})", name, e.toString());
            }
        }
        try {
            SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            log.warn("Class-data sharing training: no default TLS context ({})", e.toString());
        }
        new MessageFactory(config.exchange(), config.maxEnvelopeSize().toBytes())
                .toMessage(new OutboxRow(
                        "00000000-0000-0000-0000-000000000001",
                        "00000000-0000-0000-0000-000000000002",
                        true,
                        "training.event",
                        "{\"training\": true}",
                        true,
                        "2026-01-01T00:00:00Z",
                        null,
                        null,
                        null,
                        0));
    }
}
