package dev.outboxcdc.consumer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.ConnectionFactory;
import dev.outboxcdc.consumer.OutboxConsumer;
import dev.outboxcdc.consumer.RabbitConnections;
import dev.outboxcdc.consumer.TlsTestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** Where the consumer's broker connection comes from: spring.rabbitmq.*, or outbox.consumer.rabbitmq-uri over it; TLS verified. */
@ExtendWith(OutputCaptureExtension.class)
class OutboxConsumerConnectionFactoryTest {

    private static final String CA = "classpath:" + TlsTestServer.CA_CERTIFICATE;
    private final ApplicationContextRunner runner = ConsumerContextRunners.payroll();
    private TlsTestServer tlsServer;

    @BeforeEach
    void startTlsServer() throws Exception {
        tlsServer = new TlsTestServer();
    }

    @AfterEach
    void stopTlsServer() throws Exception {
        tlsServer.close();
    }

    @Test
    void withoutAnyBrokerPropertyItUsesSpringBootsDefaultsAndSaysSo(CapturedOutput output) {
        runner.run(context -> {
            ConnectionFactory factory = factory(context);
            assertThat(factory.getHost()).isEqualTo("localhost");
            assertThat(factory.getPort()).isEqualTo(5672);
            assertThat(factory.getVirtualHost()).isEqualTo("/");
            assertThat(factory.getUsername()).isEqualTo("guest");
            assertThat(factory.isSSL()).isFalse();
            assertThat(factory.isAutomaticRecoveryEnabled()).isTrue();
        });
        assertThat(output)
                .contains("Outbox consumer broker: localhost:5672 virtual host '/' as user 'guest', TLS off;"
                        + " from Spring Boot's defaults");
    }

    @Test
    void takesHostPortCredentialsAndVirtualHostFromSpringRabbitmqAndNeverLogsThePassword(CapturedOutput output) {
        runner.withPropertyValues(
                        "spring.rabbitmq.host=mq.internal",
                        "spring.rabbitmq.port=5673",
                        "spring.rabbitmq.username=payroll",
                        "spring.rabbitmq.password=s3cr3t-pw",
                        "spring.rabbitmq.virtual-host=hr",
                        "spring.rabbitmq.connection-timeout=7s",
                        "spring.rabbitmq.requested-heartbeat=20")
                .run(context -> {
                    ConnectionFactory factory = factory(context);
                    assertThat(factory.getHost()).isEqualTo("mq.internal");
                    assertThat(factory.getPort()).isEqualTo(5673);
                    assertThat(factory.getVirtualHost()).isEqualTo("hr");
                    assertThat(factory.getUsername()).isEqualTo("payroll");
                    assertThat(factory.getPassword()).isEqualTo("s3cr3t-pw");
                    assertThat(factory.getConnectionTimeout()).isEqualTo(7_000);
                    assertThat(factory.getRequestedHeartbeat()).isEqualTo(20);
                });
        assertThat(output)
                .contains("mq.internal:5673 virtual host 'hr' as user 'payroll', TLS off; from spring.rabbitmq.*")
                .doesNotContain("s3cr3t-pw");
    }

    @Test
    void theFirstOfSeveralAddressesGivesCredentialsAndVirtualHostAndEveryAddressIsTried() {
        runner.withPropertyValues(
                        "spring.rabbitmq.addresses=amqp://payroll:pw@mq1:5674/hr, mq2:5675",
                        "spring.rabbitmq.username=ignored")
                .run(context -> {
                    ConnectionFactory factory = factory(context);
                    assertThat(factory.getHost()).isEqualTo("mq1");
                    assertThat(factory.getPort()).isEqualTo(5674);
                    assertThat(factory.getUsername()).isEqualTo("payroll");
                    assertThat(factory.getVirtualHost()).isEqualTo("hr");
                    assertThat(factory).isInstanceOf(AddressListConnectionFactory.class);
                    AddressListConnectionFactory list = (AddressListConnectionFactory) factory;
                    assertThat(list.addresses()).containsExactly(new Address("mq1", 5674), new Address("mq2", 5675));
                    assertThat(list.createAddressResolver(List.of(new Address("mq1", 5674)))
                                    .getAddresses())
                            .as("what newConnection(executor, name) connects to")
                            .containsExactly(list.addresses().toArray(Address[]::new));
                });
    }

    @Test
    void anAmqpsAddressOrSslEnabledMeansTlsOnPort5671() {
        runner.withPropertyValues("spring.rabbitmq.addresses=amqps://mq1").run(context -> {
            assertThat(factory(context).getPort()).isEqualTo(5671);
            assertThat(factory(context).isSSL()).isTrue();
        });
        runner.withPropertyValues("spring.rabbitmq.host=mq1", "spring.rabbitmq.ssl.enabled=true")
                .run(context -> {
                    assertThat(factory(context).getPort()).isEqualTo(5671);
                    assertThat(factory(context).isSSL()).isTrue();
                });
    }

    @Test
    void tlsFromSpringRabbitmqRefusesACertificateTheJvmDoesNotTrust() {
        runner.withPropertyValues(
                        "spring.rabbitmq.host=localhost",
                        "spring.rabbitmq.port=" + tlsServer.port(),
                        "spring.rabbitmq.ssl.enabled=true")
                .run(context -> {
                    TlsTestServer.assertHandshakeRefused(factory(context));
                    assertThat(tlsServer.handshakes())
                            .as("a trust-all manager would have completed it")
                            .isZero();
                });
    }

    @Test
    void aSpringSslBundleGivesTheCaAndTheHostNameIsStillVerified() {
        ApplicationContextRunner withBundle = runner.withPropertyValues(
                "spring.ssl.bundle.pem.broker.truststore.certificate=" + CA,
                "spring.rabbitmq.port=" + tlsServer.port(),
                "spring.rabbitmq.ssl.bundle=broker");
        withBundle.withPropertyValues("spring.rabbitmq.host=127.0.0.1").run(context -> {
            TlsTestServer.assertHandshakeRefused(factory(context));
            assertThat(tlsServer.handshakes())
                    .as("the certificate names localhost, not 127.0.0.1")
                    .isZero();
        });
        withBundle
                .withPropertyValues("spring.rabbitmq.host=localhost")
                .run(context -> tlsServer.assertHandshakeCompletes(factory(context)));
    }

    @Test
    void verifyHostnameFalseStillVerifiesTheChain(CapturedOutput output) {
        runner.withPropertyValues(
                        "spring.ssl.bundle.pem.broker.truststore.certificate=" + CA,
                        "spring.rabbitmq.host=127.0.0.1",
                        "spring.rabbitmq.port=" + tlsServer.port(),
                        "spring.rabbitmq.ssl.bundle=broker",
                        "spring.rabbitmq.ssl.verify-hostname=false")
                .run(context -> tlsServer.assertHandshakeCompletes(factory(context)));
        runner.withPropertyValues(
                        "spring.rabbitmq.host=127.0.0.1",
                        "spring.rabbitmq.port=" + tlsServer.port(),
                        "spring.rabbitmq.ssl.enabled=true",
                        "spring.rabbitmq.ssl.verify-hostname=false")
                .run(context -> TlsTestServer.assertHandshakeRefused(factory(context)));
        assertThat(output).contains("spring.rabbitmq.ssl.verify-hostname=false");
    }

    @Test
    void rabbitmqUriReplacesEverySpringRabbitmqProperty(CapturedOutput output) {
        runner.withPropertyValues(
                        "spring.rabbitmq.host=spring-mq",
                        "spring.rabbitmq.port=5690",
                        "spring.rabbitmq.username=spring",
                        "spring.rabbitmq.requested-heartbeat=99",
                        "outbox.consumer.rabbitmq-uri=amqp://payroll:s3cr3t-pw@uri-mq:5680/payroll%2Fvh")
                .run(context -> {
                    ConnectionFactory factory = factory(context);
                    assertThat(factory.getHost()).isEqualTo("uri-mq");
                    assertThat(factory.getPort()).isEqualTo(5680);
                    assertThat(factory.getUsername()).isEqualTo("payroll");
                    assertThat(factory.getVirtualHost()).isEqualTo("payroll/vh");
                    assertThat(factory.getRequestedHeartbeat()).isEqualTo(ConnectionFactory.DEFAULT_HEARTBEAT);
                });
        assertThat(output)
                .contains("uri-mq:5680 virtual host 'payroll/vh' as user 'payroll', TLS off;"
                        + " from outbox.consumer.rabbitmq-uri (which replaces spring.rabbitmq.* for the consumer)")
                .doesNotContain("s3cr3t-pw");
    }

    @Test
    void theRabbitmqUriCanComeFromTheEnvironmentAsComposeSetsIt() {
        for (String variable : new String[] {"OUTBOX_CONSUMER_RABBITMQURI", "OUTBOX_CONSUMER_RABBITMQ_URI"}) {
            runner.withInitializer(context -> context.getEnvironment()
                            .getPropertySources()
                            .addFirst(new SystemEnvironmentPropertySource(
                                    StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                    Map.of(variable, "amqp://payroll:pw@env-mq:5681/%2F"))))
                    .run(context ->
                            assertThat(factory(context).getHost()).as(variable).isEqualTo("env-mq"));
        }
    }

    @Test
    void anAmqpsUriVerifiesTheChainWithTheJvmTrustStoreOrWithTheNamedBundle() {
        String uri = "outbox.consumer.rabbitmq-uri=amqps://guest:guest@localhost:" + tlsServer.port() + "/%2F";
        runner.withPropertyValues(uri).run(context -> {
            assertThat(factory(context).isSSL()).isTrue();
            TlsTestServer.assertHandshakeRefused(factory(context));
        });
        runner.withPropertyValues(
                        uri,
                        "spring.ssl.bundle.pem.broker.truststore.certificate=" + CA,
                        "outbox.consumer.ssl-bundle=broker")
                .run(context -> tlsServer.assertHandshakeCompletes(factory(context)));
    }

    @Test
    void aBadUriFailsTheStartWithoutShowingThePassword() {
        runner.withPropertyValues("outbox.consumer.rabbitmq-uri=amqp://payroll:s3cr3t-pw@mq:port/%2F")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(ConsumerContextRunners.rootCauseMessage(context))
                            .contains("outbox.consumer.rabbitmq-uri", "payroll:****@mq")
                            .doesNotContain("s3cr3t-pw");
                });
        runner.withPropertyValues("spring.rabbitmq.addresses=payroll:s3cr3t-pw@mq:port")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(ConsumerContextRunners.rootCauseMessage(context))
                            .contains("spring.rabbitmq.addresses")
                            .doesNotContain("s3cr3t-pw");
                });
    }

    @Test
    void refusesSettingsThatWouldNotVerifyTheBrokerAndSaysWhatToSetInstead() {
        runner.withPropertyValues(
                        "spring.rabbitmq.ssl.enabled=true", "spring.rabbitmq.ssl.validate-server-certificate=false")
                .run(context -> assertThat(ConsumerContextRunners.rootCauseMessage(context))
                        .contains("never trusts any certificate", "spring.rabbitmq.ssl.bundle"));
        runner.withPropertyValues("spring.rabbitmq.ssl.enabled=true", "spring.rabbitmq.ssl.trust-store=classpath:x.jks")
                .run(context -> assertThat(ConsumerContextRunners.rootCauseMessage(context))
                        .contains("spring.rabbitmq.ssl.bundle=<name>"));
        runner.withPropertyValues("spring.rabbitmq.ssl.bundle=missing")
                .run(context -> assertThat(ConsumerContextRunners.rootCauseMessage(context))
                        .contains("spring.ssl.bundle.pem.missing.truststore.certificate"));
        runner.withPropertyValues("outbox.consumer.ssl-bundle=broker")
                .run(context -> assertThat(ConsumerContextRunners.rootCauseMessage(context))
                        .contains("set spring.rabbitmq.ssl.bundle=broker instead"));
    }

    @Test
    void anApplicationsOwnConnectionFactoryWins() {
        runner.withUserConfiguration(OwnFactory.class)
                .withPropertyValues("outbox.consumer.rabbitmq-uri=amqp://ignored")
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean("outboxConsumerConnectionFactory");
                    assertThat(context.getBean(ConnectionFactory.class).getHost())
                            .isEqualTo("own-mq");
                    assertThat(context).hasSingleBean(OutboxConsumer.class);
                });
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class OwnFactory {
        @Bean
        ConnectionFactory ownRabbit() {
            return RabbitConnections.fromUri("amqp://own:pw@own-mq:5672/%2F");
        }
    }

    private static ConnectionFactory factory(AssertableApplicationContext context) {
        assertThat(context).hasNotFailed();
        return context.getBean("outboxConsumerConnectionFactory", ConnectionFactory.class);
    }
}
