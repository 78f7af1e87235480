package org.opencdp.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Where Docker runs, the test infrastructure is Testcontainers: a KRaft Kafka container and a
 * PostgreSQL container. This checks that path end to end; without Docker it is skipped (the same
 * suite then runs on the in-JVM broker and embedded PostgreSQL, which every other IT exercises).
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerInfrastructureIT {

    @Test
    void shouldRunRealKafkaAndPostgresInContainersWhenDockerIsAvailable() throws Exception {
        assertThat(PostgresServer.shared().toString()).contains("container");
        String jdbcUrl = PostgresServer.shared().createDatabase();
        try (var connection = DriverManager.getConnection(jdbcUrl, PostgresServer.shared().user(),
                PostgresServer.shared().password());
             var result = connection.createStatement().executeQuery("SELECT current_database()")) {
            assertThat(result.next()).isTrue();
            assertThat(jdbcUrl).contains(result.getString(1));
        }

        try (KafkaBroker broker = KafkaBroker.start();
             var writer = new TopicWriter(broker.bootstrapServers(), Map.of());
             var reader = new TopicReader(broker.bootstrapServers(), "cdp.test.containers.v1")) {
            writer.send("cdp.test.containers.v1", "k", "v");
            assertThat(reader.await(r -> r.key().equals("k"), 1, Duration.ofSeconds(60))).hasSize(1);
        }
    }
}
