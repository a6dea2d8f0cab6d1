package dev.outboxcdc.writer.spring;

import dev.outboxcdc.writer.OutboxWriter;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Spring Boot settings of the outbox writer ({@code outbox.writer.*}).
 *
 * @param table             the outbox table, {@code table} or {@code schema.table}
 * @param deleteAfterInsert delete each row in the same transaction right after inserting it
 */
@ConfigurationProperties("outbox.writer")
public record OutboxWriterProperties(
        @DefaultValue(OutboxWriter.DEFAULT_TABLE) String table,
        @DefaultValue("false") boolean deleteAfterInsert) {}
