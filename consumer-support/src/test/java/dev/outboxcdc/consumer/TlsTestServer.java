package dev.outboxcdc.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;

/**
 * A TLS server on a free local port with a certificate for host name {@code localhost} only (not for
 * 127.0.0.1), signed by the test CA {@code tls/ca.crt} that no JVM trust store holds. It completes TLS
 * handshakes and counts them, then closes the connection: enough to tell whether a client trusted it.
 */
public final class TlsTestServer implements AutoCloseable {

    /** Classpath location of the test CA certificate (PEM). */
    public static final String CA_CERTIFICATE = "dev/outboxcdc/consumer/tls/ca.crt";

    private static final String SERVER_KEY_STORE = "/dev/outboxcdc/consumer/tls/server.p12";
    private static final char[] PASSWORD = "changeit".toCharArray();

    private final SSLServerSocket server;
    private final AtomicInteger handshakes = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private final Thread acceptor;

    /** Starts the server. */
    public TlsTestServer() throws IOException, GeneralSecurityException {
        server = (SSLServerSocket) serverContext().getServerSocketFactory().createServerSocket(0);
        acceptor = new Thread(this::acceptLoop, "tls-test-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port it listens on, on every local address. */
    public int port() {
        return ((ServerSocket) server).getLocalPort();
    }

    /** Handshakes completed so far. */
    public int handshakes() {
        return handshakes.get();
    }

    /** Handshakes that failed so far (the client refused the certificate, or gave up). */
    public int failures() {
        return failures.get();
    }

    /** Asserts that {@code factory} completes a TLS handshake with this server (then fails: it speaks no AMQP). */
    public void assertHandshakeCompletes(ConnectionFactory factory) {
        int before = handshakes();
        assertThatThrownBy(() -> connect(factory))
                .as("the test server speaks TLS, not AMQP")
                .isNotNull();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> handshakes() == before + 1);
    }

    /** Asserts that {@code factory} refuses this server's certificate: an SSLHandshakeException on connecting. */
    public static void assertHandshakeRefused(ConnectionFactory factory) {
        Throwable thrown = catchThrowable(() -> connect(factory));
        Throwable handshake = thrown;
        while (handshake != null && !(handshake instanceof SSLHandshakeException)) {
            handshake = handshake.getCause();
        }
        assertThat(handshake).as("an SSLHandshakeException in %s", thrown).isNotNull();
        assertThat(handshake).hasRootCauseInstanceOf(GeneralSecurityException.class);
    }

    private static void connect(ConnectionFactory factory) throws Exception {
        factory.setConnectionTimeout(5_000);
        factory.setHandshakeTimeout(5_000);
        factory.newConnection("tls-test").close();
    }

    /** A client context that trusts the test CA and nothing else. */
    public static SSLContext trustingTestCa() throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = TlsTestServer.class.getResourceAsStream("/" + CA_CERTIFICATE)) {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            trusted.setCertificateEntry("outbox-test-ca", ca);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static SSLContext serverContext() throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = TlsTestServer.class.getResourceAsStream(SERVER_KEY_STORE)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(10_000);
                try {
                    ((SSLSocket) socket).startHandshake();
                    handshakes.incrementAndGet();
                } catch (IOException e) {
                    failures.incrementAndGet();
                }
            } catch (IOException e) {
                // closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
