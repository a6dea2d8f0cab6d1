package dev.outboxcdc.relay.config;

import java.util.regex.Pattern;

/** Keeps passwords out of log lines and error messages. */
public final class Secrets {

    private static final Pattern URI_PASSWORD = Pattern.compile("(://[^:/@]*:)[^@]*@");

    private Secrets() {
    }

    /** Replaces the password of a {@code scheme://user:password@host} URI with {@code ****}. */
    public static String maskUri(String uri) {
        return uri == null ? null : URI_PASSWORD.matcher(uri).replaceFirst("$1****@");
    }
}
