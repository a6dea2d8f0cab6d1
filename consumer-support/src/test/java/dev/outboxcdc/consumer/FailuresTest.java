package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outboxcdc.consumer.Failures.Kind;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

class FailuresTest {

    @ParameterizedTest
    @ValueSource(strings = {"08001", "08003", "08006", "53300", "53100", "57P01", "57P02", "57P03"})
    void sqlStatesOfAnUnreachableDatabaseAreNotHandlerFailures(String state) {
        assertThat(Failures.classify(new SQLException("database gone", state))).isEqualTo(Kind.DATABASE_UNAVAILABLE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"23505", "42P01", "57014", "22P02", "XX000"})
    void otherSqlStatesAreHandlerFailures(String state) {
        assertThat(Failures.classify(new SQLException("bad data", state))).isEqualTo(Kind.HANDLER);
    }

    @Test
    void aPoolTimeoutAndTheTransientJdbcExceptionsMeanTheDatabaseIsUnavailable() {
        assertThat(Failures.classify(
                        new SQLTransientConnectionException("pool - Connection is not available, request timed out")))
                .isEqualTo(Kind.DATABASE_UNAVAILABLE);
        assertThat(Failures.classify(new SQLNonTransientConnectionException("connection closed")))
                .isEqualTo(Kind.DATABASE_UNAVAILABLE);
    }

    @Test
    void springsConnectionExceptionsMeanTheDatabaseIsUnavailable() {
        assertThat(Failures.classify(new CannotGetJdbcConnectionException("no connection")))
                .isEqualTo(Kind.DATABASE_UNAVAILABLE);
        assertThat(Failures.classify(new CannotCreateTransactionException("no transaction")))
                .isEqualTo(Kind.DATABASE_UNAVAILABLE);
    }

    @Test
    void aHandlerExceptionCausedByABrokenConnectionIsNotAHandlerFailure() {
        Exception wrapped = new IllegalStateException(
                "payroll insert failed",
                new RuntimeException(new SQLException("An I/O error occurred while sending to the backend.", "08006")));

        assertThat(Failures.classify(wrapped)).isEqualTo(Kind.DATABASE_UNAVAILABLE);
    }

    @Test
    void aRollbackThatFailedOnABrokenConnectionMakesTheFailureAnOutage() {
        Exception handler = new IllegalStateException("handler failed");
        handler.addSuppressed(new SQLException("This connection has been closed.", "08003"));

        assertThat(Failures.classify(handler)).isEqualTo(Kind.DATABASE_UNAVAILABLE);
    }

    @Test
    void serializationFailuresAndDeadlocksAreConflicts() {
        assertThat(Failures.classify(new SQLException("could not serialize access", "40001")))
                .isEqualTo(Kind.CONFLICT);
        assertThat(Failures.classify(new SQLException("deadlock detected", "40P01")))
                .isEqualTo(Kind.CONFLICT);
        assertThat(Failures.classify(new SQLTransactionRollbackException("rolled back")))
                .isEqualTo(Kind.CONFLICT);
        assertThat(Failures.classify(new RuntimeException(new SQLException("deadlock detected", "40P01"))))
                .isEqualTo(Kind.CONFLICT);
    }

    @Test
    void aChainedNextExceptionIsRead() {
        SQLException batch = new SQLException("batch entry failed", "22000");
        batch.setNextException(new SQLException("terminating connection due to administrator command", "57P01"));

        assertThat(Failures.classify(batch)).isEqualTo(Kind.DATABASE_UNAVAILABLE);
    }

    @Test
    void plainExceptionsAndCyclesAreHandlerFailures() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.addSuppressed(second);

        assertThat(Failures.classify(new IllegalArgumentException("employee has no contract")))
                .isEqualTo(Kind.HANDLER);
        assertThat(Failures.classify(second)).isEqualTo(Kind.HANDLER);
    }
}
