package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class JdbcTransactionsTest {

    private final List<String> calls = new ArrayList<>();
    private boolean broken;

    @Test
    void commitsTheWorkAndRestoresAutoCommit() throws Exception {
        String result = Transactions.jdbc(dataSource()).inTransaction(connection -> "done");

        assertThat(result).isEqualTo("done");
        assertThat(calls)
                .containsExactly("getAutoCommit", "setAutoCommit false", "commit", "setAutoCommit true", "close");
    }

    @Test
    void rollsBackWhenTheWorkFails() {
        assertThatThrownBy(() -> Transactions.jdbc(dataSource()).inTransaction(connection -> {
                    throw new IllegalStateException("handler failed");
                }))
                .hasMessage("handler failed");

        assertThat(calls)
                .containsExactly("getAutoCommit", "setAutoCommit false", "rollback", "setAutoCommit true", "close");
    }

    @Test
    void aConnectionThatBrokeDuringTheWorkDoesNotHideTheOriginalFailure() {
        assertThatThrownBy(() -> Transactions.jdbc(dataSource()).inTransaction(connection -> {
                    broken = true;
                    throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
                }))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("I/O error")
                .satisfies(e -> assertThat(e.getSuppressed())
                        .extracting(Throwable::getMessage)
                        .contains(
                                "rollback: This connection has been closed.",
                                "setAutoCommit: This connection has been closed."));
    }

    private DataSource dataSource() {
        Connection connection = (Connection) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    String call = method.getName() + (args == null ? "" : " " + args[0]);
                    calls.add(call);
                    if (broken && !method.getName().equals("close")) {
                        throw new SQLException(method.getName() + ": This connection has been closed.", "08003");
                    }
                    return method.getName().equals("getAutoCommit") ? Boolean.TRUE : null;
                });
        return (DataSource) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return connection;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
