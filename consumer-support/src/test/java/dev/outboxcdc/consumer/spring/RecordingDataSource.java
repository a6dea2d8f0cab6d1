package dev.outboxcdc.consumer.spring;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/** A DataSource without a database: every statement executed on it is recorded, and does nothing. */
final class RecordingDataSource {

    final List<String> executed = new CopyOnWriteArrayList<>();

    /** The data source. */
    DataSource dataSource() {
        Statement statement = proxy(Statement.class, (name, args) -> switch (name) {
            case "execute" -> executed.add((String) args[0]) && false;
            case "getUpdateCount" -> -1; // no more results: ScriptUtils reads results until then
            default -> null;
        });
        Connection connection = proxy(Connection.class, (name, args) -> switch (name) {
            case "createStatement" -> statement;
            case "getAutoCommit", "isValid" -> true;
            default -> null;
        });
        return proxy(DataSource.class, (name, args) -> "getConnection".equals(name) ? connection : null);
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
