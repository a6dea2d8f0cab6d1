package dev.outboxcdc.relay.config;

import java.util.regex.Pattern;

/** Keeps passwords out of log lines and error messages. */
public final class Secrets {

    /**
     * {@code scheme://user:} then everything up to the last {@code @}: an unescaped {@code @} or {@code /}
     * inside a password still ends up masked (at the price of masking more than the password).
     */
    private static final Pattern URI_PASSWORD = Pattern.compile("^([^:/?#]*://[^:/@]*:).*@");

    private Secrets() {}

    /**
     * Replaces the password of a {@code scheme://user:password@host} URI with {@code ****}, also in a URI
     * that does not parse; a value that is not shaped like a URI with credentials is returned as it is.
     */
    public static String maskUri(String uri) {
        return uri == null ? null : URI_PASSWORD.matcher(uri).replaceFirst("$1****@");
    }
}
