package org.opencdp.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.opencdp.kit.security.TokenIssuer;

/**
 * The real infrastructure of one integration test class: its own Kafka broker, its own database on
 * the shared PostgreSQL server, and a JWT secret to sign tokens with.
 */
public final class TestInfrastructure implements AutoCloseable {

    private final KafkaBroker kafka;
    private final String jdbcUrl;
    private final String jdbcUser;
    private final String jdbcPassword;
    private final String jwtSecret;

    private TestInfrastructure(KafkaBroker kafka, String jdbcUrl, String jdbcUser, String jdbcPassword) {
        this.kafka = kafka;
        this.jdbcUrl = jdbcUrl;
        this.jdbcUser = jdbcUser;
        this.jdbcPassword = jdbcPassword;
        byte[] secret = new byte[32];
        ThreadLocalRandom.current().nextBytes(secret);
        this.jwtSecret = HexFormat.of().formatHex(secret);
    }

    /** Starts a broker and creates a database. */
    public static TestInfrastructure start() {
        PostgresServer postgres = PostgresServer.shared();
        String database = postgres.createDatabase();
        return new TestInfrastructure(KafkaBroker.start(), database, postgres.user(), postgres.password());
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String jdbcUser() {
        return jdbcUser;
    }

    public String jdbcPassword() {
        return jdbcPassword;
    }

    public String jwtSecret() {
        return jwtSecret;
    }

    /** A bearer token for {@code workspaceId} with the space-separated {@code scopes}. */
    public String token(String workspaceId, String scopes) {
        return new TokenIssuer(jwtSecret).issue(workspaceId, scopes, "test", Duration.ofHours(1));
    }

    /** A reader of {@code topic} from its beginning. */
    public TopicReader read(String topic) {
        return new TopicReader(bootstrapServers(), topic);
    }

    /** A writer to this broker; close it when done. */
    public TopicWriter writer() {
        return new TopicWriter(bootstrapServers(), Map.of());
    }

    /** A writer to this broker with these producer settings (e.g. {@code linger.ms} to batch records); close it when done. */
    public TopicWriter writer(Map<String, Object> producerSettings) {
        return new TopicWriter(bootstrapServers(), producerSettings);
    }

    /** The Spring properties that point a service at this infrastructure. */
    public Map<String, Object> springProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.kafka.bootstrap-servers", bootstrapServers());
        properties.put("spring.datasource.url", jdbcUrl);
        properties.put("spring.datasource.username", jdbcUser);
        properties.put("spring.datasource.password", jdbcPassword);
        properties.put("cdp.kit.security.jwt-secret", jwtSecret);
        properties.put("cdp.kit.kafka.partitions", 3);
        properties.put("cdp.kit.outbox.poll-interval", "50ms");
        return properties;
    }

    /**
     * A database outage as the services see it: PostgreSQL refuses every new connection to this
     * class's database and drops the open ones ({@code refuse} true), or takes connections again.
     * The server itself stays up, so other test JVMs sharing it are not disturbed.
     */
    public void refuseConnections(boolean refuse) throws SQLException {
        String server = jdbcUrl.substring(0, jdbcUrl.indexOf('/', "jdbc:postgresql://".length()));
        String path = jdbcUrl.substring(server.length() + 1);
        String database = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        try (Connection connection = DriverManager.getConnection(server + "/postgres", jdbcUser, jdbcPassword);
             Statement statement = connection.createStatement()) {
            statement.execute("ALTER DATABASE \"" + database + "\" ALLOW_CONNECTIONS " + !refuse);
            if (refuse) {
                statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                        + database + "'");
            }
        }
    }

    @Override
    public void close() {
        kafka.close();
    }
}
