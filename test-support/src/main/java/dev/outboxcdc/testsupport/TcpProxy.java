package dev.outboxcdc.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;

/**
 * A TCP forwarder on 127.0.0.1 that a test can cut and restore, to make a real PostgreSQL or
 * RabbitMQ look down to the code under test without touching the shared server. Its port stays the
 * same across {@link #cut()} and {@link #restore()}.
 *
 * <p>{@link #freeze()} simulates a peer whose host died or whose network is cut: connections stay
 * open but go silent in both directions until {@link #thaw()}. The kernel still acknowledges what
 * it buffers, so TCP keepalives and {@code tcp_user_timeout} on either side do not fire; only
 * application-level timeouts notice.
 */
public final class TcpProxy implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object frozenLock = new Object();
    private volatile ServerSocket server;
    private boolean frozen;

    private TcpProxy(String targetHost, int targetPort, int port) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.port = port;
    }

    /** A proxy to {@code host:port} that is cut (refuses connections) until {@link #restore()}. */
    public static TcpProxy cutTo(String host, int port) {
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return new TcpProxy(host, port, probe.getLocalPort());
        } catch (IOException e) {
            throw new IllegalStateException("no free port for a proxy", e);
        }
    }

    /** The local port to connect to. */
    public int port() {
        return port;
    }

    /** Accepts and forwards connections. */
    public synchronized void restore() {
        if (server != null) {
            return;
        }
        // The kernel may need a moment to release the port after a cut: retry the bind briefly.
        ServerSocket listening = Awaitility.await("listening again on port " + port)
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptionsInstanceOf(UncheckedIOException.class)
                .until(this::bind, socket -> socket != null);
        server = listening;
        Thread acceptor = new Thread(() -> accept(listening), "tcp-proxy-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private ServerSocket bind() {
        try {
            ServerSocket listening = new ServerSocket();
            listening.setReuseAddress(true);
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return listening;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Refuses new connections and breaks every open one. */
    public synchronized void cut() {
        if (server != null) {
            closeQuietly(server);
            server = null;
        }
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    /**
     * Stops forwarding bytes in both directions, on open connections and on connections accepted
     * from now on, without closing any socket.
     */
    public void freeze() {
        synchronized (frozenLock) {
            frozen = true;
        }
    }

    /** Forwards bytes again, as before {@link #freeze()}; nothing buffered meanwhile is lost. */
    public void thaw() {
        synchronized (frozenLock) {
            frozen = false;
            frozenLock.notifyAll();
        }
    }

    @Override
    public void close() {
        cut();
        thaw();
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                // listening socket closed by cut(), or the target refused: the client sees a closed connection
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[16 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        for (int n; awaitThawed(to) && (n = in.read(buffer)) >= 0; ) {
                            if (!awaitThawed(to)) {
                                break;
                            }
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // connection cut
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "tcp-proxy-pump-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits while the proxy is frozen; false when {@code to} was closed meanwhile. */
    private boolean awaitThawed(Socket to) throws IOException {
        synchronized (frozenLock) {
            while (frozen && !to.isClosed()) {
                try {
                    frozenLock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while frozen");
                }
            }
        }
        return !to.isClosed();
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
