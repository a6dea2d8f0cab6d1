package dev.outboxcdc.relay.db;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL cluster running with {@code wal_level=replica}, to prove the relay's
 * start-up check without reconfiguring the shared test server. Built with the local PostgreSQL
 * binaries ({@code initdb}, {@code pg_ctl}); as root it runs them as user {@code postgres}.
 */
final class ReplicaWalServer implements AutoCloseable {

    private final Path dataDir;
    private final Path bin;
    private final int port;
    private final boolean asPostgres;

    private ReplicaWalServer(Path dataDir, Path bin, int port, boolean asPostgres) {
        this.dataDir = dataDir;
        this.bin = bin;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    static ReplicaWalServer start() throws IOException, InterruptedException {
        Path bin = findBin();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("outbox-replica-wal");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ReplicaWalServer server = new ReplicaWalServer(dir, bin, port, root);
        if (root) {
            run(List.of("chown", "postgres:postgres", dir.toString()), false);
        }
        server.pg("initdb", "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "postgres", "--no-sync");
        server.pg(
                "pg_ctl",
                "-D",
                dir.resolve("data").toString(),
                "-w",
                "-t",
                "60",
                "-l",
                dir.resolve("log").toString(),
                "-o",
                "-p " + port + " -c wal_level=replica -c listen_addresses=127.0.0.1 -k " + dir,
                "start");
        return server;
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            pg("pg_ctl", "-D", dataDir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
        } finally {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private void pg(String tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (asPostgres) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(tool).toString());
        command.addAll(Arrays.asList(args));
        run(command, true);
    }

    private static void run(List<String> command, boolean quiet) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + new String(output));
        }
    }

    private static Path findBin() throws IOException {
        String configured = System.getenv("OUTBOX_TEST_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                return versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.naturalOrder())
                        .orElseThrow(() -> new IllegalStateException("no initdb under /usr/lib/postgresql"));
            }
        }
        throw new IllegalStateException(
                "This test starts a throw-away cluster with wal_level=replica and needs the"
                        + " PostgreSQL server binaries: install postgresql or set OUTBOX_TEST_PG_BIN to the directory of initdb");
    }
}
