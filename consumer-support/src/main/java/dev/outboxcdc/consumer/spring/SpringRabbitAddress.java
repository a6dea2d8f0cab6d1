package dev.outboxcdc.consumer.spring;

import dev.outboxcdc.consumer.RabbitConnections;

/**
 * One entry of {@code spring.rabbitmq.addresses}, read as Spring Boot reads it: {@code host}, {@code host:port},
 * {@code user:password@host:port/vhost}, optionally prefixed by {@code amqp://} or {@code amqps://}
 * (credentials are taken literally, not percent-decoded; an empty vhost after {@code /} is {@code /}).
 *
 * @param host        the host
 * @param port        the port; 5671 or 5672 by the scheme (or {@code ssl.enabled}) when absent
 * @param username    the user, or null when the entry has none
 * @param password    the password, or null
 * @param virtualHost the virtual host, or null
 * @param secure      true for amqps://, false for amqp://, null without a scheme
 */
record SpringRabbitAddress(
        String host, int port, String username, String password, String virtualHost, Boolean secure) {

    static final int DEFAULT_PORT = 5672;
    static final int DEFAULT_TLS_PORT = 5671;
    private static final String AMQP = "amqp://";
    private static final String AMQPS = "amqps://";

    /** The address's endpoint, {@code host:port}, for log lines. */
    String endpoint() {
        return host + ":" + port;
    }

    /**
     * Parses {@code input}.
     *
     * @param secureDefault whether an entry without a scheme uses TLS (for its default port)
     * @throws IllegalArgumentException saying which entry is wrong, without its password
     */
    static SpringRabbitAddress parse(String input, boolean secureDefault) {
        String rest = input.strip();
        Boolean secure = null;
        if (rest.startsWith(AMQPS)) {
            secure = true;
            rest = rest.substring(AMQPS.length());
        } else if (rest.startsWith(AMQP)) {
            secure = false;
            rest = rest.substring(AMQP.length());
        }
        String username = null;
        String password = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            String credentials = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = credentials.indexOf(':');
            username = colon < 0 ? credentials : credentials.substring(0, colon);
            password = colon < 0 ? null : credentials.substring(colon + 1);
        }
        String virtualHost = null;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            virtualHost = rest.substring(slash + 1).isEmpty() ? "/" : rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        int colon = rest.lastIndexOf(':');
        boolean hasPort = colon >= 0 && colon > rest.lastIndexOf(']');
        String host = hasPort ? rest.substring(0, colon) : rest;
        if (host.isEmpty()) {
            throw invalid(input, "no host");
        }
        int port;
        try {
            port = hasPort
                    ? Integer.parseInt(rest.substring(colon + 1))
                    : (secure != null ? secure : secureDefault) ? DEFAULT_TLS_PORT : DEFAULT_PORT;
        } catch (NumberFormatException e) {
            throw invalid(input, "the port is not a number");
        }
        return new SpringRabbitAddress(host, port, username, password, virtualHost, secure);
    }

    private static IllegalArgumentException invalid(String input, String reason) {
        return new IllegalArgumentException(
                "spring.rabbitmq.addresses entry '" + RabbitConnections.maskUri(input.strip())
                        + "' is not host[:port], [amqp[s]://][user:password@]host[:port][/vhost]: " + reason);
    }

    @Override
    public String toString() {
        return "SpringRabbitAddress[" + (username == null ? "" : username + "@") + endpoint() + "]";
    }
}
