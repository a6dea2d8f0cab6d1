package dev.outboxcdc.writer.spring;

import java.lang.reflect.Proxy;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * A DataSource without a database, for fast tests: statements prepared, values set, commits and rollbacks are
 * recorded as lines of text, and every update reports one row. Connections start in auto-commit mode, as a
 * pool's do.
 */
final class RecordingJdbc {

    /** What happened, in order: {@code prepare <sql>}, {@code set <index> <value>}, {@code commit}, … */
    final List<String> log = new CopyOnWriteArrayList<>();

    /** The data source. */
    DataSource dataSource() {
        return proxy(DataSource.class, (method, args) -> "getConnection".equals(method) ? connection() : null);
    }

    /** A connection of the data source. */
    Connection connection() {
        boolean[] autoCommit = {true};
        return proxy(Connection.class, (method, args) -> switch (method) {
            case "prepareStatement" -> {
                log.add("prepare " + args[0]);
                yield statement();
            }
            case "getAutoCommit" -> autoCommit[0];
            case "setAutoCommit" -> {
                autoCommit[0] = (Boolean) args[0];
                yield null;
            }
            case "commit", "rollback" -> {
                log.add(method);
                yield null;
            }
            case "createArrayOf" -> proxy(Array.class, (arrayMethod, arrayArgs) -> null);
            case "isValid" -> true;
            default -> null;
        });
    }

    private PreparedStatement statement() {
        return proxy(PreparedStatement.class, (method, args) -> switch (method) {
            case "setObject", "setString" -> {
                log.add("set " + args[0] + " " + args[1]);
                yield null;
            }
            case "executeBatch" -> new int[] {1};
            case "executeUpdate" -> 1;
            default -> null;
        });
    }

    private interface Answer {
        Object answer(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            Object result = switch (method.getName()) {
                case "toString" -> "recording " + type.getSimpleName();
                case "hashCode" -> System.identityHashCode(self);
                case "equals" -> self == args[0];
                case "unwrap" -> null;
                case "isWrapperFor" -> false;
                default -> answer.answer(method.getName(), args);
            };
            Class<?> returns = method.getReturnType();
            if (result == null && returns.isPrimitive() && returns != void.class) {
                return returns == boolean.class ? Boolean.FALSE : (Object) 0;
            }
            return result;
        }));
    }
}
