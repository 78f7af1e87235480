package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.ingestion.IngestionTests.assertProblem;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.ingestion.IngestionTests.TestSource;
import org.opencdp.ingestion.IngestionServiceApplication;
import org.opencdp.kit.security.TokenIssuer;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.PostgresServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Kafka is down (nothing listens on the bootstrap port): the Tracking API must answer 503 with
 * Retry-After, promptly, and count nothing as accepted. Runs on a real PostgreSQL but no broker.
 */
@SpringBootTest(classes = IngestionServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spring.config.name=ingestion-service",
                "spring.kafka.bootstrap-servers=127.0.0.1:1",
                "spring.kafka.producer.properties[max.block.ms]=1000",
                "cdp.kit.kafka.create-topics=false",
                "cdp.ingestion.kafka-ack-timeout=3s",
                "cdp.ingestion.retry-after=7s"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class KafkaUnavailableIT {

    private static final String JWT_SECRET = "kafka-unavailable-it-secret-at-least-32-bytes";
    private static final String WORKSPACE = "ws_down";

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresServer postgres = PostgresServer.shared();
        String url = postgres.createDatabase();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", postgres::user);
        registry.add("spring.datasource.password", postgres::password);
        registry.add("cdp.kit.security.jwt-secret", () -> JWT_SECRET);
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    private ApiClient api;
    private TestSource source;
    private String writeKey;

    @BeforeEach
    void setUp() {
        api = ApiClient.onPort(port);
        String token = new TokenIssuer(JWT_SECRET).issue(WORKSPACE, "sources:write", "test", Duration.ofHours(1));
        source = TestSource.create(api, token, "Web");
        writeKey = source.writeKey();
    }

    @Test
    void shouldAnswer503WithRetryAfterAndAcceptNothingWhenKafkaIsDown() {
        HttpResponse<String> response = api.track("/v1/track", writeKey, "{\"userId\": \"u1\", \"event\": \"Lost?\"}");

        assertProblem(response, 503, "kafka_unavailable");
        assertThat(response.headers().firstValue("Retry-After")).contains("7");
        assertThat(acceptedCount()).isZero();
    }

    @Test
    void shouldAnswer503ForABatchWhenKafkaIsDown() {
        HttpResponse<String> response = api.track("/v1/batch", writeKey, "{\"batch\": ["
                + "{\"type\": \"track\", \"userId\": \"u1\", \"event\": \"One\"},"
                + "{\"type\": \"track\", \"userId\": \"u2\"},"
                + "{\"type\": \"identify\", \"userId\": \"u3\"}]}");

        assertProblem(response, 503, "kafka_unavailable");
        assertThat(response.headers().firstValue("Retry-After")).contains("7");
        assertThat(acceptedCount()).isZero();
    }

    @Test
    void shouldStillRefuseInvalidInputBeforeTouchingKafka() {
        assertProblem(api.track("/v1/track", writeKey, "{\"userId\": \"u1\"}"), 400, "invalid_event");
        assertProblem(api.track("/v1/track", "wk_nope", "{\"userId\": \"u1\", \"event\": \"E\"}"), 401,
                "invalid_write_key");
    }

    private double acceptedCount() {
        var counter = meters.find(TrackingMetrics.ACCEPTED).tag("source", source.id()).counter();
        return counter == null ? 0 : counter.count();
    }
}
