package dev.outboxcdc.consumer.spring;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.boot.context.properties.bind.BindResult;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;

/**
 * The {@code spring.rabbitmq.*} settings the consumer reads, bound here so that spring-rabbit need not be on
 * the class path, with Spring Boot's defaults and its rules for combining them (the first entry of
 * {@code addresses} wins over host, port, credentials and virtual host; TLS follows its scheme).
 */
record SpringRabbitProperties(
        @DefaultValue("localhost") String host,
        Integer port,
        List<String> addresses,
        @DefaultValue("guest") String username,
        @DefaultValue("guest") String password,
        String virtualHost,
        @DefaultValue Ssl ssl,
        @DurationUnit(ChronoUnit.MILLIS) Duration connectionTimeout,
        @DurationUnit(ChronoUnit.SECONDS) Duration requestedHeartbeat) {

    static final String PREFIX = "spring.rabbitmq";

    SpringRabbitProperties {
        addresses = addresses == null
                ? List.of()
                : addresses.stream()
                        .map(String::strip)
                        .filter(a -> !a.isEmpty())
                        .toList();
    }

    /**
     * {@code spring.rabbitmq.*} TLS settings.
     *
     * @param enabled                   TLS on; by default on when a bundle is named
     * @param bundle                    a Spring SSL bundle with the trust material (and client key)
     * @param verifyHostname            check that the certificate names the host (default true)
     * @param validateServerCertificate refused when false: the consumer never trusts any certificate
     * @param algorithm                 the TLS protocol of the JVM default trust store's context, e.g. TLSv1.3
     * @param keyStore                  not read: use a bundle (refused when set)
     * @param trustStore                not read: use a bundle (refused when set)
     */
    record Ssl(
            Boolean enabled,
            String bundle,
            @DefaultValue("true") boolean verifyHostname,
            @DefaultValue("true") boolean validateServerCertificate,
            String algorithm,
            String keyStore,
            String trustStore) {}

    /** Binds {@code spring.rabbitmq.*}; empty when none is set. */
    static BindResult<SpringRabbitProperties> bind(Binder binder) {
        return binder.bind(PREFIX, Bindable.of(SpringRabbitProperties.class));
    }

    /** Spring Boot's defaults: what applies when no {@code spring.rabbitmq.*} property is set. */
    static SpringRabbitProperties defaults(Binder binder) {
        return binder.bindOrCreate(PREFIX, SpringRabbitProperties.class);
    }

    /** The entries of {@code addresses}, parsed; empty when only host and port are set. */
    List<SpringRabbitAddress> parsedAddresses() {
        boolean secureDefault = Boolean.TRUE.equals(ssl.enabled());
        return addresses.stream()
                .map(address -> SpringRabbitAddress.parse(address, secureDefault))
                .toList();
    }

    /** Whether TLS is on: {@code ssl.enabled} (or a bundle), unless the first address says amqp:// or amqps://. */
    boolean determineSslEnabled() {
        boolean enabledByDefault = Boolean.TRUE.equals(ssl.enabled()) || ssl.bundle() != null;
        List<SpringRabbitAddress> parsed = parsedAddresses();
        return parsed.isEmpty() || parsed.get(0).secure() == null
                ? enabledByDefault
                : parsed.get(0).secure();
    }

    /** The port when no address is given: {@code port}, else 5671 with {@code ssl.enabled=true}, else 5672. */
    int determinePort() {
        if (port != null) {
            return port;
        }
        return Boolean.TRUE.equals(ssl.enabled())
                ? SpringRabbitAddress.DEFAULT_TLS_PORT
                : SpringRabbitAddress.DEFAULT_PORT;
    }

    /** Without the password, which a record's own toString would print. */
    @Override
    public String toString() {
        return "SpringRabbitProperties[host=" + host + ", port=" + port + ", addresses=" + parsedAddresses()
                + ", username=" + username + ", virtualHost=" + virtualHost + ", ssl=" + ssl + "]";
    }
}
