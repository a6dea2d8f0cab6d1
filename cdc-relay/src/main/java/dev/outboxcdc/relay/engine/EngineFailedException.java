package dev.outboxcdc.relay.engine;

/** The Debezium engine stopped with an error; the supervisor restarts it after a backoff. */
final class EngineFailedException extends RuntimeException {

    EngineFailedException(String message, Throwable cause) {
        super(describe(message, cause), cause);
    }

    private static String describe(String message, Throwable cause) {
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = root == null ? "" : root.getClass().getSimpleName() + ": " + root.getMessage();
        return "the Debezium engine stopped: " + (message == null ? "" : message)
                + (reason.isEmpty() ? "" : " (" + reason + ")");
    }
}
