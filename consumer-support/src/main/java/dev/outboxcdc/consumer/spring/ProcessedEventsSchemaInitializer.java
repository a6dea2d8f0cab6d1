package dev.outboxcdc.consumer.spring;

import java.util.List;
import javax.sql.DataSource;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;

/**
 * Creates table {@code processed_events} (and its index) on the application's DataSource at start-up, with the
 * idempotent DDL consumer-support ships ({@value #SCHEMA_LOCATION}); enabled by
 * {@code outbox.consumer.initialize-schema=true}. Spring Boot orders it like its own schema initialisation, so
 * beans that depend on database initialisation (and the consumer) see the table.
 */
public final class ProcessedEventsSchemaInitializer extends DataSourceScriptDatabaseInitializer {

    /** The DDL run. */
    public static final String SCHEMA_LOCATION = "classpath:dev/outboxcdc/consumer/schema/processed_events.sql";

    /** Runs the DDL on {@code dataSource} when the bean is initialised. */
    public ProcessedEventsSchemaInitializer(DataSource dataSource) {
        super(dataSource, settings());
    }

    static DatabaseInitializationSettings settings() {
        DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
        settings.setSchemaLocations(List.of(SCHEMA_LOCATION));
        settings.setMode(DatabaseInitializationMode.ALWAYS);
        return settings;
    }
}
