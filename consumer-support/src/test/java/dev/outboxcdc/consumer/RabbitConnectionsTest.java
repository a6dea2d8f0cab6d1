package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.ConnectionFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RabbitConnectionsTest {

    private TlsTestServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new TlsTestServer();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    @Test
    void readsHostPortVirtualHostAndCredentialsWithAutomaticRecoveryOn() {
        ConnectionFactory factory = RabbitConnections.fromUri("amqp://payroll:s%40cret@mq.internal:5673/hr%2Fprod");

        assertThat(factory.getHost()).isEqualTo("mq.internal");
        assertThat(factory.getPort()).isEqualTo(5673);
        assertThat(factory.getVirtualHost()).isEqualTo("hr/prod");
        assertThat(factory.getUsername()).isEqualTo("payroll");
        assertThat(factory.getPassword()).isEqualTo("s@cret");
        assertThat(factory.isAutomaticRecoveryEnabled()).isTrue();
        assertThat(factory.isSSL()).isFalse();
    }

    @Test
    void amqpsDefaultsToPort5671AndTls() {
        ConnectionFactory factory = RabbitConnections.fromUri("AMQPS://payroll:secret@mq.internal/%2F");

        assertThat(factory.getPort()).isEqualTo(5671);
        assertThat(factory.getVirtualHost()).isEqualTo("/");
        assertThat(factory.isSSL()).isTrue();
        assertThat(RabbitConnections.fromUri("amqp://mq.internal").getPort()).isEqualTo(5672);
    }

    @Test
    void amqpsWithTheDefaultContextRefusesACertificateTheJvmDoesNotTrust() {
        ConnectionFactory factory =
                RabbitConnections.fromUri("amqps://guest:guest@localhost:" + server.port() + "/%2F");

        TlsTestServer.assertHandshakeRefused(factory);
        assertThat(server.handshakes())
                .as("a trust-all manager would have completed the handshake")
                .isZero();
    }

    @Test
    void amqpsWithAContextTrustingTheCaCompletesTheHandshake() throws Exception {
        ConnectionFactory factory = RabbitConnections.fromUri(
                "amqps://guest:guest@localhost:" + server.port() + "/%2F", TlsTestServer.trustingTestCa());

        server.assertHandshakeCompletes(factory);
    }

    @Test
    void amqpsRefusesACertificateThatDoesNotNameTheHost() throws Exception {
        ConnectionFactory factory = RabbitConnections.fromUri(
                "amqps://guest:guest@127.0.0.1:" + server.port() + "/%2F", TlsTestServer.trustingTestCa());

        TlsTestServer.assertHandshakeRefused(factory);
        assertThat(server.handshakes())
                .as("the certificate names localhost, not 127.0.0.1")
                .isZero();
    }

    @Test
    void tlsWithoutHostNameVerificationStillVerifiesTheChain() throws Exception {
        ConnectionFactory trusting = plain(server.port());
        RabbitConnections.useTls(trusting, TlsTestServer.trustingTestCa(), false);
        ConnectionFactory untrusting = plain(server.port());
        RabbitConnections.useTls(untrusting, SSLContext.getDefault(), false);

        TlsTestServer.assertHandshakeRefused(untrusting);
        assertThat(server.handshakes()).isZero();
        server.assertHandshakeCompletes(trusting);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "amqp://payroll:s3cr3t!@mq:notaport/%2F",
                "amqp://payroll:s3cr3t!@mq host/%2F",
                "http://payroll:s3cr3t!@mq/%2F",
                "amqps://payroll:s3cr3t!@mq/a/b",
                "amqp://payroll:s3cr3t!@mq:5672/%zz",
                "payroll:s3cr3t!@mq:5672"
            })
    void aBadUriIsRefusedWithoutItsPassword(String uri) {
        assertThatThrownBy(() -> RabbitConnections.fromUri(uri))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid AMQP URI")
                .hasMessageNotContaining("s3cr3t")
                .hasNoCause();
    }

    @Test
    void aMissingUriSaysWhatToGive() {
        assertThatThrownBy(() -> RabbitConnections.fromUri(" "))
                .hasMessageContaining("amqp://user:password@host:5672/%2F");
    }

    @Test
    void masksThePasswordOfAUri() {
        assertThat(RabbitConnections.maskUri("amqps://payroll:p@ss/word@mq:5671/%2F"))
                .isEqualTo("amqps://payroll:****@mq:5671/%2F");
        assertThat(RabbitConnections.maskUri("amqp://mq:5672/%2F")).isEqualTo("amqp://mq:5672/%2F");
    }

    private static ConnectionFactory plain(int port) {
        return RabbitConnections.fromUri("amqp://guest:guest@127.0.0.1:" + port + "/%2F");
    }
}
