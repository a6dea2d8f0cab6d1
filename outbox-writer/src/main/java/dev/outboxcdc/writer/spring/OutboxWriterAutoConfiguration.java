package dev.outboxcdc.writer.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outboxcdc.writer.OutboxWriter;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * Auto-configures an {@link OutboxWriter} and a {@link TransactionalOutboxWriter} when the
 * application has one {@link DataSource} (or one marked primary) and Spring JDBC. Payloads are
 * serialised with the application's {@link ObjectMapper} when it has one. Every bean backs off when
 * the application defines its own.
 */
@AutoConfiguration(
        after = DataSourceAutoConfiguration.class,
        afterName = "org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration")
@ConditionalOnClass(DataSourceUtils.class)
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(OutboxWriterProperties.class)
public class OutboxWriterAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    OutboxWriter outboxWriter(OutboxWriterProperties properties, ObjectProvider<ObjectMapper> objectMapper) {
        OutboxWriter.Builder builder =
                OutboxWriter.builder().table(properties.table()).deleteAfterInsert(properties.deleteAfterInsert());
        objectMapper.ifAvailable(builder::objectMapper);
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    TransactionalOutboxWriter transactionalOutboxWriter(DataSource dataSource, OutboxWriter outboxWriter) {
        return new TransactionalOutboxWriter(dataSource, outboxWriter);
    }
}
