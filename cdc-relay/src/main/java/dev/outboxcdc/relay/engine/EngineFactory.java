package dev.outboxcdc.relay.engine;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.util.Properties;
import org.apache.kafka.connect.source.SourceRecord;

/** Builds a Debezium engine; {@link #DEBEZIUM} outside tests, which give the runner engines of their own. */
@FunctionalInterface
interface EngineFactory {

    /** Debezium's embedded engine in the Connect format, records as {@code RecordChangeEvent<SourceRecord>}. */
    EngineFactory DEBEZIUM =
            (properties, changes, connector, completion) -> DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(properties)
                    .notifying(changes)
                    .using(connector)
                    .using(completion)
                    .build();

    /**
     * An engine configured by {@code properties} that hands batches to {@code changes}, reports its start to
     * {@code connector} and its end to {@code completion}.
     */
    DebeziumEngine<RecordChangeEvent<SourceRecord>> create(
            Properties properties,
            DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> changes,
            DebeziumEngine.ConnectorCallback connector,
            DebeziumEngine.CompletionCallback completion);
}
