package dev.outboxcdc.writer.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.outboxcdc.writer.OutboxEvent;
import dev.outboxcdc.writer.OutboxWriteException;
import dev.outboxcdc.writer.OutboxWriter;
import java.sql.Connection;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Which beans the writer's auto-configuration makes, when it backs off, and how {@code outbox.writer.*} binds;
 * the writers run against a recording DataSource, never a database.
 */
class OutboxWriterAutoConfigurationTest {

    private final RecordingJdbc jdbc = new RecordingJdbc();
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(OutboxWriterAutoConfiguration.class))
            .withBean("dataSource", DataSource.class, jdbc::dataSource);

    @Test
    void withOneDataSourceItMakesBothWritersOnTheDefaultTable() {
        runner.run(context -> {
            assertThat(context)
                    .hasNotFailed()
                    .hasSingleBean(OutboxWriter.class)
                    .hasSingleBean(TransactionalOutboxWriter.class);
            assertThat(context.getBean(OutboxWriterProperties.class))
                    .isEqualTo(new OutboxWriterProperties(OutboxWriter.DEFAULT_TABLE, false));

            write(context);

            assertThat(jdbc.log)
                    .filteredOn(line -> line.startsWith("prepare"))
                    .singleElement()
                    .asString()
                    .startsWith("prepare INSERT INTO \"outbox_events\" ");
        });
    }

    @Test
    void withoutADataSourceOrWithoutSpringJdbcNothingIsMade() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(OutboxWriterAutoConfiguration.class))
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(OutboxWriter.class)
                        .doesNotHaveBean(OutboxWriterProperties.class));
        runner.withClassLoader(new FilteredClassLoader(DataSourceUtils.class))
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(OutboxWriter.class)
                        .doesNotHaveBean(TransactionalOutboxWriter.class));
    }

    @Test
    void ofTwoDataSourcesItUsesThePrimaryAndWithoutOneItBacksOff() {
        RecordingJdbc other = new RecordingJdbc();
        runner.withBean("otherDataSource", DataSource.class, other::dataSource)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(OutboxWriter.class));
        runner.withBean(
                        "otherDataSource",
                        DataSource.class,
                        other::dataSource,
                        definition -> definition.setPrimary(true))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(TransactionalOutboxWriter.class);
                    writeInSpringTransaction(context, context.getBean(DataSource.class));
                    assertThat(other.log).anySatisfy(line -> assertThat(line).startsWith("prepare INSERT"));
                    assertThat(jdbc.log).isEmpty();
                });
    }

    @Test
    void theTableAndDeleteAfterInsertComeFromOutboxWriterProperties() {
        runner.withPropertyValues("outbox.writer.table=app.events", "outbox.writer.delete-after-insert=true")
                .run(context -> {
                    write(context);

                    assertThat(jdbc.log)
                            .filteredOn(line -> line.startsWith("prepare"))
                            .satisfiesExactly(
                                    insert -> assertThat(insert).startsWith("prepare INSERT INTO \"app\".\"events\" "),
                                    delete -> assertThat(delete)
                                            .isEqualTo("prepare DELETE FROM \"app\".\"events\" WHERE id = ANY (?)"));
                });
    }

    @Test
    void aTableNameThatIsNotAPlainIdentifierFailsTheStartSayingWhatIsValid() {
        runner.withPropertyValues("outbox.writer.table=Outbox Events").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("table 'Outbox Events' is not a valid table name: use table or schema.table, each part"
                            + " 1-63 lower-case letters, digits and underscores, not starting with a digit");
        });
    }

    @Test
    void payloadsAreSerialisedWithTheApplicationsObjectMapper() {
        runner.withBean(
                        ObjectMapper.class,
                        () -> new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE))
                .run(context -> {
                    write(context);

                    assertThat(jdbc.log).contains("set 4 {\"first_name\":\"Ada\"}");
                });
    }

    @Test
    void theApplicationsOwnWritersWin() {
        OutboxWriter own = OutboxWriter.builder().table("own_outbox").build();
        TransactionalOutboxWriter ownTransactional = new TransactionalOutboxWriter(jdbc.dataSource(), own);
        runner.withBean("ownWriter", OutboxWriter.class, () -> own)
                .withBean("ownTransactionalWriter", TransactionalOutboxWriter.class, () -> ownTransactional)
                .run(context -> {
                    assertThat(context.getBean(OutboxWriter.class)).isSameAs(own);
                    assertThat(context.getBean(TransactionalOutboxWriter.class)).isSameAs(ownTransactional);
                });
        runner.withBean("ownWriter", OutboxWriter.class, () -> own).run(context -> {
            writeInSpringTransaction(context, context.getBean(DataSource.class));
            assertThat(jdbc.log)
                    .as("the auto-configured transactional writer writes with the application's writer")
                    .anySatisfy(line -> assertThat(line).startsWith("prepare INSERT INTO \"own_outbox\""));
        });
    }

    @Test
    void theTransactionalWriterWritesOnTheSpringTransactionsConnectionAndOnlyInOne() {
        runner.run(context -> {
            TransactionalOutboxWriter writer = context.getBean(TransactionalOutboxWriter.class);
            assertThatThrownBy(() -> writer.write(event()))
                    .isInstanceOf(OutboxWriteException.class)
                    .hasMessageContaining("no Spring-managed transaction is active");
            assertThat(jdbc.log).isEmpty();

            writeInSpringTransaction(context, context.getBean(DataSource.class));

            assertThat(jdbc.log.get(0)).startsWith("prepare INSERT");
            assertThat(jdbc.log).endsWith("commit");
        });
    }

    private static void write(AssertableApplicationContext context) throws Exception {
        try (Connection connection = context.getBean(DataSource.class).getConnection()) {
            connection.setAutoCommit(false);
            context.getBean(OutboxWriter.class).write(connection, event());
        }
    }

    private static void writeInSpringTransaction(AssertableApplicationContext context, DataSource dataSource) {
        TransactionalOutboxWriter writer = context.getBean(TransactionalOutboxWriter.class);
        new TransactionTemplate(new DataSourceTransactionManager(dataSource))
                .executeWithoutResult(status -> writer.write(event()));
    }

    private static OutboxEvent event() {
        return OutboxEvent.of("employee.created", new Employee("Ada"));
    }

    /** A payload with a property whose JSON name depends on the mapper. */
    record Employee(String firstName) {}
}
