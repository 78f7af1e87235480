package org.opencdp.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real PostgreSQL server per test JVM, chosen in this order: the server named by {@code
 * CDP_TEST_JDBC_URL} (with {@code CDP_TEST_JDBC_USER} / {@code CDP_TEST_JDBC_PASSWORD}), a
 * Testcontainers container when Docker runs, or an embedded PostgreSQL (zonky) otherwise. Tests
 * get isolation from {@link #createDatabase()}: a fresh database each.
 */
public final class PostgresServer {

    private static PostgresServer shared;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final String adminUrl;
    private final String user;
    private final String password;
    private final String description;

    private PostgresServer(String adminUrl, String user, String password, String description) {
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
        this.description = description;
    }

    /** The server of this JVM, started on first use. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    private static PostgresServer start() {
        String url = System.getenv("CDP_TEST_JDBC_URL");
        if (url != null && !url.isBlank()) {
            return new PostgresServer(url, envOr("CDP_TEST_JDBC_USER", "postgres"), envOr("CDP_TEST_JDBC_PASSWORD", ""),
                    "PostgreSQL at " + url);
        }
        if (Docker.available()) {
            var container = new PostgreSQLContainer("postgres:16-alpine");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "stop-test-postgres"));
            return new PostgresServer(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                    "PostgreSQL container " + container.getJdbcUrl());
        }
        try {
            EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException ignored) {
                    // the JVM is going away; the data directory is a temporary one
                }
            }, "stop-test-postgres"));
            return new PostgresServer(embedded.getJdbcUrl("postgres", "postgres"), "postgres", "postgres",
                    "embedded PostgreSQL on port " + embedded.getPort());
        } catch (IOException e) {
            throw new IllegalStateException("Could not start an embedded PostgreSQL", e);
        }
    }

    /** Creates an empty database and returns its JDBC URL. */
    public String createDatabase() {
        String name = "cdp_it_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet() + "_"
                + Long.toString(System.nanoTime() % 1_000_000, 36);
        try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create test database on " + description, e);
        }
        return withDatabase(adminUrl, name);
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    @Override
    public String toString() {
        return description;
    }

    static String withDatabase(String url, String database) {
        int slash = url.indexOf('/', "jdbc:postgresql://".length());
        int query = url.indexOf('?');
        String base = slash < 0 ? (query < 0 ? url : url.substring(0, query)) : url.substring(0, slash);
        String params = query < 0 ? "" : url.substring(query);
        return base + "/" + database + params;
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    /** Whether a Docker engine answers (cached). */
    static final class Docker {
        private static Boolean available;

        static synchronized boolean available() {
            if (available == null) {
                boolean disabled = "false".equalsIgnoreCase(System.getenv("CDP_TEST_DOCKER"));
                available = !disabled && isDockerAvailable();
            }
            return available;
        }

        private static boolean isDockerAvailable() {
            try {
                return DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }

        private Docker() {
        }
    }
}
