package org.opencdp.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL (zonky's bundled binaries, no install) whose data stays in a directory
 * across restarts. It runs as a separate process, so this class makes sure it does not outlive the
 * launcher: {@link #close()} stops it (the launcher's shutdown hook calls it on Ctrl-C), a watchdog
 * process stops it if the JVM dies without running hooks (kill -9), and {@link #start} first stops
 * a server left running on the same data by an earlier launcher that died before its watchdog did.
 *
 * <p>Settings: trust authentication for user {@code postgres} on localhost, {@code synchronous_commit=on}
 * (a crash of PostgreSQL or the launcher loses no committed row); zonky's {@code fsync=off} is kept
 * for speed, so only a crash of the whole machine could lose recent commits.
 */
final class LocalPostgres implements AutoCloseable {

    static final String USER = "postgres";
    static final String DATABASE = "cdp";

    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

    private final EmbeddedPostgres postgres;
    private final Process watchdog;

    private LocalPostgres(EmbeddedPostgres postgres, Process watchdog) {
        this.postgres = postgres;
        this.watchdog = watchdog;
    }

    /** Starts PostgreSQL on {@code port} with its data in {@code dataDirectory}, and creates database {@code cdp}. */
    static LocalPostgres start(Path dataDirectory, int port) throws IOException {
        stopLeftover(dataDirectory);
        Files.createDirectories(dataDirectory);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "200")
                .setServerConfig("listen_addresses", "localhost")
                .start();
        Process watchdog = null;
        try {
            watchdog = startWatchdog(dataDirectory);
            createDatabaseIfMissing(postgres);
            return new LocalPostgres(postgres, watchdog);
        } catch (IOException | RuntimeException e) {
            if (watchdog != null) {
                watchdog.destroyForcibly();
            }
            postgres.close();
            throw e;
        }
    }

    /** {@code jdbc:postgresql://localhost:<port>/cdp}. */
    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
    }

    int port() {
        return postgres.getPort();
    }

    /** Stops the server (fast shutdown: open sessions are ended, committed data is kept) and the watchdog. */
    @Override
    public void close() throws IOException {
        try {
            postgres.close();
        } finally {
            if (watchdog != null) {
                watchdog.destroyForcibly();
            }
        }
    }

    private static void createDatabaseIfMissing(EmbeddedPostgres postgres) throws IOException {
        try (Connection connection = DriverManager.getConnection(postgres.getJdbcUrl(USER, "postgres"));
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet result = exists.executeQuery()) {
                if (result.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE " + DATABASE);
            }
            log.info("Created database {}", DATABASE);
        } catch (SQLException e) {
            throw new IOException("Could not create database " + DATABASE + ": " + e.getMessage(), e);
        }
    }

    /**
     * A {@code sh} loop that waits for this JVM to go away and then asks the postmaster for a fast
     * shutdown (SIGINT). It ignores Ctrl-C itself (the JVM's hook handles that path) and is killed by
     * {@link #close()}. Skipped where there is no {@code /bin/sh}.
     */
    private static Process startWatchdog(Path dataDirectory) throws IOException {
        Optional<Long> postmaster = postmasterPid(dataDirectory);
        if (postmaster.isEmpty() || !new File("/bin/sh").canExecute()) {
            log.warn("No watchdog for PostgreSQL (no postmaster.pid or no /bin/sh); if this JVM is killed -9, "
                    + "the next ./cdp up stops the leftover server");
            return null;
        }
        String script = "trap '' INT TERM HUP; "
                + "while kill -0 \"$1\" 2>/dev/null; do sleep 1; done; "
                + "kill -INT \"$2\" 2>/dev/null";
        return new ProcessBuilder(List.of("/bin/sh", "-c", script, "cdp-postgres-watchdog",
                Long.toString(ProcessHandle.current().pid()), Long.toString(postmaster.get())))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /**
     * Stops a PostgreSQL still running on {@code dataDirectory} from an earlier launcher that was
     * killed before it could stop it (its {@code postmaster.pid} names a live postgres process).
     */
    static void stopLeftover(Path dataDirectory) throws IOException {
        Optional<Long> pid = postmasterPid(dataDirectory);
        if (pid.isEmpty()) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid.get())
                .filter(ProcessHandle::isAlive)
                .filter(handle -> handle.info().command().map(command -> command.contains("postgres")).orElse(false));
        if (process.isEmpty()) {
            return;
        }
        log.warn("Stopping a PostgreSQL (pid {}) left running on {} by an earlier launcher", pid.get(), dataDirectory);
        process.get().destroy(); // SIGTERM: smart shutdown, nobody is connected any more
        try {
            process.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            process.get().destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while stopping the leftover PostgreSQL", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("Could not stop the leftover PostgreSQL " + pid.get(), e);
        }
    }

    private static Optional<Long> postmasterPid(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        try {
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.getFirst().trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
