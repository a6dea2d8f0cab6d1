package dev.outboxcdc.consumer.spring;

import dev.outboxcdc.consumer.Transactions;
import java.sql.Connection;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs each event in a Spring-managed transaction, so a handler's {@code JdbcTemplate} (or JPA)
 * work on the same {@link DataSource} joins the transaction that records the event as processed.
 */
public final class SpringTransactions implements Transactions {

    private final DataSource dataSource;
    private final TransactionTemplate template;

    /** Transactions of {@code transactionManager} over {@code dataSource}. */
    public SpringTransactions(DataSource dataSource, PlatformTransactionManager transactionManager) {
        this.dataSource = dataSource;
        this.template = new TransactionTemplate(transactionManager);
    }

    @Override
    public <T> T inTransaction(Work<T> work) throws Exception {
        try {
            return template.execute(status -> {
                Connection connection = DataSourceUtils.getConnection(dataSource);
                try {
                    return work.run(connection);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new CheckedFailure(e);
                } finally {
                    DataSourceUtils.releaseConnection(connection, dataSource);
                }
            });
        } catch (CheckedFailure e) {
            throw (Exception) e.getCause();
        }
    }

    /** Carries a checked exception out of the template, which rolls back on runtime exceptions. */
    private static final class CheckedFailure extends RuntimeException {
        CheckedFailure(Exception cause) {
            super(cause);
        }
    }
}
