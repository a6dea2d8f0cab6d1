package dev.outboxcdc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyTest {

    private ServerSocket echoServer;
    private TcpProxy proxy;

    @BeforeEach
    void startEchoServerBehindAProxy() throws IOException {
        echoServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread echo = new Thread(
                () -> {
                    try (Socket peer = echoServer.accept()) {
                        peer.getInputStream().transferTo(peer.getOutputStream());
                    } catch (IOException e) {
                        // test over
                    }
                },
                "echo");
        echo.setDaemon(true);
        echo.start();
        proxy = TcpProxy.cutTo("127.0.0.1", echoServer.getLocalPort());
        proxy.restore();
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echoServer.close();
    }

    @Test
    void aFrozenProxyForwardsNothingKeepsTheConnectionOpenAndDeliversEverythingAfterThawing() throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            client.setSoTimeout(2_000);
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            out.write('a');
            assertThat(in.read()).isEqualTo('a');

            proxy.freeze();
            out.write('b');
            client.setSoTimeout(500);
            assertThatThrownBy(in::read)
                    .as("nothing forwarded while frozen")
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(client.isClosed()).isFalse();

            proxy.thaw();
            client.setSoTimeout(2_000);
            assertThat(in.read()).as("the byte sent while frozen").isEqualTo('b');
        }
    }
}
