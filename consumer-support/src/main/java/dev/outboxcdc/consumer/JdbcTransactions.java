package dev.outboxcdc.consumer;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * {@link Transactions} over a {@link DataSource} with plain JDBC. A failure while rolling back or
 * restoring auto-commit (on a connection that broke) is added to the original failure, never thrown
 * in its place.
 */
final class JdbcTransactions implements Transactions {

    private final DataSource dataSource;

    JdbcTransactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public <T> T inTransaction(Work<T> work) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            if (autoCommit) {
                connection.setAutoCommit(false);
            }
            T result;
            try {
                result = work.run(connection);
                connection.commit();
            } catch (Exception e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                restore(connection, autoCommit, e);
                throw e;
            }
            restore(connection, autoCommit, null);
            return result;
        }
    }

    private static void restore(Connection connection, boolean autoCommit, Exception failure) throws SQLException {
        if (!autoCommit) {
            return;
        }
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }
}
