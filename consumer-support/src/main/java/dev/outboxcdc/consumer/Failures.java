package dev.outboxcdc.consumer;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Tells why handling a delivery failed, from the exception and everything it carries (causes and
 * suppressed exceptions): the database did not answer, two transactions conflicted, or the handler failed.
 */
final class Failures {

    /** What a failure says about the event. */
    enum Kind {
        /** The database could not be reached or the connection broke: not the event's fault. */
        DATABASE_UNAVAILABLE,
        /** A serialization failure or a deadlock: the same work succeeds when run again. */
        CONFLICT,
        /** The handler failed: counts as an attempt. */
        HANDLER
    }

    /** Spring's exceptions for a database that does not answer, by name: Spring is optional here. */
    private static final Set<String> UNAVAILABLE_TYPES = Set.of(
            "org.springframework.jdbc.CannotGetJdbcConnectionException",
            "org.springframework.transaction.CannotCreateTransactionException",
            "org.springframework.dao.DataAccessResourceFailureException",
            "org.springframework.dao.TransientDataAccessResourceException");

    private Failures() {}

    static Kind classify(Throwable failure) {
        boolean conflict = false;
        for (Throwable t : chain(failure)) {
            if (isUnavailable(t)) {
                return Kind.DATABASE_UNAVAILABLE;
            }
            conflict |= isConflict(t);
        }
        return conflict ? Kind.CONFLICT : Kind.HANDLER;
    }

    private static boolean isUnavailable(Throwable t) {
        if (UNAVAILABLE_TYPES.contains(t.getClass().getName())) {
            return true;
        }
        if (!(t instanceof SQLException sql)) {
            return false;
        }
        String state = sql.getSQLState();
        if (state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P"))) {
            return true;
        }
        return sql instanceof SQLNonTransientConnectionException
                || sql instanceof SQLRecoverableException
                || (sql instanceof SQLTransientException && !(sql instanceof SQLTransactionRollbackException));
    }

    private static boolean isConflict(Throwable t) {
        if (!(t instanceof SQLException sql)) {
            return false;
        }
        return "40001".equals(sql.getSQLState())
                || "40P01".equals(sql.getSQLState())
                || sql instanceof SQLTransactionRollbackException;
    }

    /** The failure, its causes, their suppressed exceptions and next SQL exceptions, each once. */
    private static Iterable<Throwable> chain(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> pending = new ArrayDeque<>();
        pending.add(failure);
        while (!pending.isEmpty() && seen.size() < 100) {
            Throwable t = pending.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (t.getCause() != null) {
                pending.add(t.getCause());
            }
            Collections.addAll(pending, t.getSuppressed());
            if (t instanceof SQLException sql && sql.getNextException() != null) {
                pending.add(sql.getNextException());
            }
        }
        return seen;
    }
}
