package dev.outboxcdc.consumer;

import com.rabbitmq.client.ConnectionFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * amqp-client {@link ConnectionFactory}s an {@link OutboxConsumer} can use: automatic recovery on, and for
 * {@code amqps://} a TLS connection that verifies the broker's certificate chain and host name.
 *
 * <p>Use these instead of {@link ConnectionFactory#setUri(String)}: depending on the amqp-client version,
 * {@code setUri("amqps://…")} installs a trust manager that accepts any certificate. With the JVM's
 * default {@link SSLContext} the chain is checked against the JVM trust store ({@code cacerts}, or
 * {@code -Djavax.net.ssl.trustStore=…}); pass your own context to trust a private CA:
 *
 * <pre>{@code
 * TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
 * trust.init(caKeyStore);                       // a KeyStore holding the CA certificate
 * SSLContext tls = SSLContext.getInstance("TLS");
 * tls.init(null, trust.getTrustManagers(), null);
 * ConnectionFactory factory = RabbitConnections.fromUri("amqps://payroll:secret@mq.internal/%2F", tls);
 * }</pre>
 *
 * <p>Error messages never contain the URI's password.
 */
public final class RabbitConnections {

    /**
     * {@code scheme://user:} (or {@code user:} without a scheme) then everything up to the last {@code @}:
     * masks even an unescaped {@code @} or {@code /} in a password.
     */
    private static final Pattern URI_PASSWORD = Pattern.compile("^((?:[^:/?#@]*://)?[^:/@]*:)(.*)@");

    private static final String AMQP = "amqp";
    private static final String AMQPS = "amqps";

    private RabbitConnections() {}

    /**
     * A factory for {@code amqpUri}; an {@code amqps://} URI uses the JVM's default {@link SSLContext}
     * (the JVM trust store) and verifies the host name.
     *
     * @param amqpUri {@code amqp://user:password@host:port/vhost} or {@code amqps://…}, as amqp-client reads
     *                them (percent-encoded vhost, e.g. {@code %2F} for {@code /}; query parameters such as
     *                {@code heartbeat} and {@code connection_timeout})
     * @throws IllegalArgumentException when the URI is not a valid AMQP URI; the message masks the password
     */
    public static ConnectionFactory fromUri(String amqpUri) {
        return fromUri(amqpUri, null);
    }

    /**
     * A factory for {@code amqpUri}; an {@code amqps://} URI uses {@code sslContext} (the JVM's default
     * when null) and verifies the host name. {@code sslContext} is ignored for {@code amqp://}.
     *
     * @throws IllegalArgumentException when the URI is not a valid AMQP URI; the message masks the password
     */
    public static ConnectionFactory fromUri(String amqpUri, SSLContext sslContext) {
        if (amqpUri == null || amqpUri.isBlank()) {
            throw new IllegalArgumentException("an AMQP URI is required, e.g. amqp://user:password@host:5672/%2F");
        }
        String uri = amqpUri.strip();
        String scheme = schemeOf(uri);
        if (!AMQP.equals(scheme) && !AMQPS.equals(scheme)) {
            throw invalid(uri, "it must start with amqp:// or amqps://");
        }
        boolean tls = AMQPS.equals(scheme);
        // Parsed as amqp://, so amqp-client never picks a TLS setting of its own; TLS is added below.
        String plain = AMQP + uri.substring(scheme.length());
        URI parsed;
        try {
            parsed = new URI(plain);
        } catch (URISyntaxException e) {
            throw invalid(uri, scrub(e.getMessage(), uri, plain));
        }
        if (parsed.getHost() == null) {
            throw invalid(uri, "no host name, or a port that is not a number");
        }
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(parsed);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw invalid(uri, scrub(e.getMessage(), uri, plain));
        }
        if (tls) {
            if (parsed.getPort() == -1) {
                factory.setPort(ConnectionFactory.DEFAULT_AMQP_OVER_SSL_PORT);
            }
            useTls(factory, sslContext == null ? defaultContext() : sslContext, true);
        }
        factory.setAutomaticRecoveryEnabled(true);
        return factory;
    }

    /**
     * Makes {@code factory} connect over TLS with {@code sslContext}: the certificate chain is checked by
     * the context's trust managers, and with {@code verifyHostname} the certificate must also name the
     * host connected to. Only switch host name verification off for a broker reached under a name its
     * certificate does not carry; the chain is verified either way.
     */
    public static void useTls(ConnectionFactory factory, SSLContext sslContext, boolean verifyHostname) {
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(sslContext, "sslContext");
        if (verifyHostname) {
            factory.useSslProtocol(sslContext);
            factory.enableHostnameVerification(); // already done by useSslProtocol in recent amqp-client; idempotent
        } else {
            // Not setSslContextFactory: recent amqp-client versions switch host name verification on with it.
            factory.setSocketFactory(sslContext.getSocketFactory());
        }
    }

    /**
     * {@code uri} with the password of {@code scheme://user:password@host} replaced by {@code ****}, also
     * when the URI does not parse; a value without credentials is returned as it is.
     */
    public static String maskUri(String uri) {
        return uri == null ? null : URI_PASSWORD.matcher(uri).replaceFirst("$1****@");
    }

    private static String schemeOf(String uri) {
        int colon = uri.indexOf("://");
        return colon <= 0 ? "" : uri.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    private static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default TLS context for amqps://: " + e.getMessage(), e);
        }
    }

    /** No cause attached: the parser's own message may quote the URI, password included. */
    private static IllegalArgumentException invalid(String uri, String reason) {
        return new IllegalArgumentException("not a valid AMQP URI '" + maskUri(uri) + "': " + reason);
    }

    /** {@code text} without the password of {@code uri}, whichever form of the URI it quotes. */
    private static String scrub(String text, String uri, String plain) {
        if (text == null) {
            return "unreadable";
        }
        String scrubbed = text.replace(uri, maskUri(uri)).replace(plain, maskUri(plain));
        Matcher password = URI_PASSWORD.matcher(uri);
        if (password.find() && !password.group(2).isEmpty()) {
            scrubbed = scrubbed.replace(password.group(2), "****");
        }
        return scrubbed;
    }
}
