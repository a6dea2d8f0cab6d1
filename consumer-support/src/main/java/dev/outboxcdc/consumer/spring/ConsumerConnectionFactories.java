package dev.outboxcdc.consumer.spring;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.consumer.RabbitConnections;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.BindResult;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundles;

/**
 * Builds the consumer's amqp-client {@link ConnectionFactory} from {@code outbox.consumer.rabbitmq-uri} when it
 * is set, else from {@code spring.rabbitmq.*} (Spring Boot's defaults, localhost:5672 guest, when nothing is set),
 * and logs once where the broker is and which properties said so, never the password. TLS always verifies the
 * certificate chain (JVM trust store, or a Spring SSL bundle); the host name too unless
 * {@code spring.rabbitmq.ssl.verify-hostname=false}.
 */
final class ConsumerConnectionFactories {

    private static final Logger log = LoggerFactory.getLogger(ConsumerConnectionFactories.class);

    private ConsumerConnectionFactories() {}

    /**
     * The factory, automatic recovery on.
     *
     * @param sslBundles the application's SSL bundles, or null when it has none
     * @throws IllegalStateException naming the property to fix
     */
    static ConnectionFactory create(OutboxConsumerProperties properties, Binder binder, SslBundles sslBundles) {
        BindResult<SpringRabbitProperties> spring = SpringRabbitProperties.bind(binder);
        if (properties.rabbitmqUri() != null) {
            SSLContext context = properties.sslBundle() == null
                    ? null
                    : bundleContext(sslBundles, properties.sslBundle(), "outbox.consumer.ssl-bundle");
            ConnectionFactory factory;
            try {
                factory = RabbitConnections.fromUri(properties.rabbitmqUri(), context);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("outbox.consumer.rabbitmq-uri: " + e.getMessage());
            }
            logBroker(
                    factory,
                    List.of(),
                    factory.isSSL(),
                    "outbox.consumer.rabbitmq-uri"
                            + (spring.isBound() ? " (which replaces spring.rabbitmq.* for the consumer)" : ""));
            return factory;
        }
        String source = spring.isBound()
                ? "spring.rabbitmq.*"
                : "Spring Boot's defaults (neither spring.rabbitmq.* nor outbox.consumer.rabbitmq-uri is set)";
        return fromSpring(spring.orElseGet(() -> SpringRabbitProperties.defaults(binder)), sslBundles, source);
    }

    private static ConnectionFactory fromSpring(SpringRabbitProperties spring, SslBundles sslBundles, String source) {
        List<SpringRabbitAddress> addresses = parse(spring);
        SpringRabbitAddress first = addresses.isEmpty() ? null : addresses.get(0);
        ConnectionFactory factory = addresses.size() > 1
                ? new AddressListConnectionFactory(addresses.stream()
                        .map(a -> new Address(a.host(), a.port()))
                        .toList())
                : new ConnectionFactory();
        factory.setHost(first != null ? first.host() : spring.host());
        factory.setPort(first != null ? first.port() : spring.determinePort());
        factory.setUsername(first != null && first.username() != null ? first.username() : spring.username());
        factory.setPassword(first != null && first.password() != null ? first.password() : spring.password());
        String virtualHost = first != null && first.virtualHost() != null ? first.virtualHost() : spring.virtualHost();
        if (virtualHost != null && !virtualHost.isBlank()) {
            factory.setVirtualHost(virtualHost);
        }
        if (spring.connectionTimeout() != null) {
            factory.setConnectionTimeout(
                    Math.toIntExact(spring.connectionTimeout().toMillis()));
        }
        if (spring.requestedHeartbeat() != null) {
            factory.setRequestedHeartbeat(
                    Math.toIntExact(spring.requestedHeartbeat().toSeconds()));
        }
        boolean tls = spring.determineSslEnabled();
        if (tls) {
            SpringRabbitProperties.Ssl ssl = spring.ssl();
            requireVerifiedTls(ssl);
            RabbitConnections.useTls(factory, sslContext(ssl, sslBundles), ssl.verifyHostname());
            if (!ssl.verifyHostname()) {
                log.warn(
                        "spring.rabbitmq.ssl.verify-hostname=false: the outbox consumer checks the broker's certificate"
                                + " chain but not that it names {}",
                        factory.getHost());
            }
        }
        factory.setAutomaticRecoveryEnabled(true);
        logBroker(factory, addresses, tls, source);
        return factory;
    }

    private static List<SpringRabbitAddress> parse(SpringRabbitProperties spring) {
        try {
            return spring.parsedAddresses();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    private static void requireVerifiedTls(SpringRabbitProperties.Ssl ssl) {
        if (!ssl.validateServerCertificate()) {
            throw new IllegalStateException(
                    "spring.rabbitmq.ssl.validate-server-certificate=false: the outbox consumer never"
                            + " trusts any certificate. Give it the broker's CA instead: spring.ssl.bundle.pem.<name>.truststore.certificate"
                            + "=<CA file> with spring.rabbitmq.ssl.bundle=<name>, or the JVM trust store (-Djavax.net.ssl.trustStore)");
        }
        if (ssl.keyStore() != null || ssl.trustStore() != null) {
            throw new IllegalStateException(
                    "spring.rabbitmq.ssl.key-store / trust-store are not read by the outbox consumer:"
                            + " put them in a Spring SSL bundle (spring.ssl.bundle.jks.<name>.truststore.location=…,"
                            + " .keystore.location=…) and set spring.rabbitmq.ssl.bundle=<name>");
        }
    }

    private static SSLContext sslContext(SpringRabbitProperties.Ssl ssl, SslBundles sslBundles) {
        if (ssl.bundle() != null) {
            return bundleContext(sslBundles, ssl.bundle(), "spring.rabbitmq.ssl.bundle");
        }
        try {
            if (ssl.algorithm() != null) {
                SSLContext context = SSLContext.getInstance(ssl.algorithm());
                context.init(null, null, null); // the JVM's default trust store
                return context;
            }
            return SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "spring.rabbitmq.ssl.algorithm=" + ssl.algorithm() + " cannot be used: " + e.getMessage(), e);
        }
    }

    private static SSLContext bundleContext(SslBundles sslBundles, String bundle, String property) {
        if (sslBundles == null) {
            throw new IllegalStateException(property + "=" + bundle + " but the application has no SSL bundles"
                    + " (SslAutoConfiguration): define spring.ssl.bundle.pem." + bundle
                    + ".truststore.certificate=<CA file>");
        }
        try {
            return sslBundles.getBundle(bundle).createSslContext();
        } catch (NoSuchSslBundleException e) {
            throw new IllegalStateException(
                    property + "=" + bundle + ": " + e.getMessage() + "; define spring.ssl.bundle.pem." + bundle
                            + ".truststore.certificate=<CA file> (or a jks bundle)");
        }
    }

    private static void logBroker(
            ConnectionFactory factory, List<SpringRabbitAddress> addresses, boolean tls, String source) {
        String endpoints = addresses.size() > 1
                ? addresses.stream().map(SpringRabbitAddress::endpoint).collect(Collectors.joining(", ", "[", "]"))
                : factory.getHost() + ":" + factory.getPort();
        log.info(
                "Outbox consumer broker: {} virtual host '{}' as user '{}', TLS {}; from {}",
                endpoints,
                factory.getVirtualHost(),
                factory.getUsername(),
                tls ? "on" : "off",
                source);
    }
}
