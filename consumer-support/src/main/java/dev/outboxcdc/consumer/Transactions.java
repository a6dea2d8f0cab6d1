package dev.outboxcdc.consumer;

import java.sql.Connection;

/**
 * Runs work in one database transaction: commits when the work returns, rolls back when it throws.
 * The plain-JDBC implementation is {@link #jdbc(javax.sql.DataSource)}; the Spring integration runs
 * the work in a Spring transaction so {@code JdbcTemplate} calls in a handler join it.
 */
@FunctionalInterface
public interface Transactions {

    /** Work done with the transaction's connection. */
    @FunctionalInterface
    interface Work<T> {
        /** Does the work. */
        T run(Connection connection) throws Exception;
    }

    /**
     * Runs {@code work} in a new transaction and commits it.
     *
     * @throws Exception what {@code work} threw, after the rollback, or the commit's failure
     */
    <T> T inTransaction(Work<T> work) throws Exception;

    /** Transactions on connections of {@code dataSource}, with JDBC commit and rollback. */
    static Transactions jdbc(javax.sql.DataSource dataSource) {
        return new JdbcTransactions(dataSource);
    }
}
