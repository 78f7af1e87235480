package org.opencdp.ingestion.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.ingestion.IngestionTests.assertProblem;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Topics;
import org.opencdp.ingestion.IngestionServiceApplication;
import org.opencdp.ingestion.IngestionTests.TestSource;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Issue 15: PostgreSQL becomes unreachable in the middle (the service's database refuses every
 * connection and its open ones are dropped, as {@code ConsumerErrorModelIT} does it). The Tracking
 * API goes on accepting a known source's events from what it holds in memory (write key, tracking
 * plan, a local rate allowance), and they reach Kafka; a write key it never saw is answered 503
 * {@code database_unavailable} with {@code Retry-After}; once the database is back, the rate limiter
 * leases from the shared bucket again. Every call must answer within the client's 10 s: a hang fails.
 * The caches expire after 1 s here, so the outage is met with every entry expired.
 */
@CdpIntegrationTest
@SpringBootTest(classes = IngestionServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spring.config.name=ingestion-service",
                "cdp.ingestion.write-key-cache-ttl=1s",
                "cdp.ingestion.tracking-plan-cache-ttl=1s",
                "cdp.ingestion.database.retry-interval=1s",
                "cdp.ingestion.retry-after=6s"})
class DatabaseOutageIT {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    @Test
    void shouldAcceptAKnownSourcesEventsRefuseAnUnknownKeyWith503AndLeaseAgainAfterTheOutage() throws Exception {
        ApiClient api = ApiClient.onPort(port);
        String token = infrastructure.token(Workspaces.fresh(), "sources:write");
        TestSource source = TestSource.create(api, token, "Web");
        String plan = "{\"events\": {\"Order Completed\": {\"properties\": {\"total\": {\"type\": \"number\"}}}},"
                + " \"unplannedEvents\": \"block\"}";
        ApiClient.body(api.send(api.request("/v1/sources/" + source.id() + "/tracking-plan")
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(plan))), 200);
        List<String> accepted = new ArrayList<>();

        try (TopicReader events = infrastructure.read(Topics.EVENTS)) {
            accepted.add(trackOk(api, source)); // the key, the plan and a lease are read while the database is up
            Timestamp leasedBefore = lastLease(source);
            try {
                infrastructure.refuseConnections(true);

                HttpResponse<String> unknown = track(api, "/v1/track", "wk_never_seen_here",
                        "{\"userId\": \"u1\", \"event\": \"Order Completed\"}");
                assertProblem(unknown, 503, "database_unavailable");
                assertThat(unknown.headers().firstValue("Retry-After")).contains("6");

                // calls go on while each cache expires and is served from memory instead
                await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                    accepted.add(trackOk(api, source));
                    assertThat(fallbacks("write_key")).isPositive();
                    assertThat(fallbacks("tracking_plan")).isPositive();
                    assertThat(fallbacks("rate_limit")).isPositive();
                });
                assertThat(meters.get(DatabaseCircuit.OPEN_GAUGE).gauge().value()).isEqualTo(1);

                String planned = UUID.randomUUID().toString();
                HttpResponse<String> batch = track(api, "/v1/batch", source.writeKey(), "{\"batch\": ["
                        + "{\"type\": \"track\", \"userId\": \"u1\", \"event\": \"Order Completed\", \"messageId\": \""
                        + planned + "\", \"properties\": {\"total\": 3}},"
                        + "{\"type\": \"track\", \"userId\": \"u1\", \"event\": \"Unplanned\"}]}");
                JsonNode answer = ApiClient.body(batch, 200);
                assertThat(answer.path("rejected")).as("the cached plan still blocks the unplanned event").hasSize(1);
                assertThat(answer.path("rejected").get(0).path("code").asString()).isEqualTo("unplanned_event");
                accepted.add(planned);

                String identified = UUID.randomUUID().toString();
                ApiClient.body(track(api, "/v1/identify", source.writeKey(),
                        "{\"userId\": \"u1\", \"messageId\": \"" + identified + "\"}"), 200);
                accepted.add(identified);
            } finally {
                infrastructure.refuseConnections(false);
            }

            List<String> published = events.await(r -> source.published(r), accepted.size(), TIMEOUT).stream()
                    .map(r -> r.value()).toList();
            for (String messageId : accepted) {
                assertThat(published).as("accepted during the outage, so on the events topic")
                        .anyMatch(value -> value.contains(messageId));
            }

            // back: a call that runs out of leased tokens leases from the shared bucket again
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                    .ignoreExceptionsInstanceOf(CannotGetJdbcConnectionException.class).untilAsserted(() -> {
                        trackOk(api, source);
                        assertThat(lastLease(source)).isAfter(leasedBefore);
                    });
            assertThat(meters.get(DatabaseCircuit.OPEN_GAUGE).gauge().value()).isZero();
        }
    }

    /** A track call of a planned event that must be accepted; its message id. */
    private static String trackOk(ApiClient api, TestSource source) {
        String messageId = UUID.randomUUID().toString();
        ApiClient.body(track(api, "/v1/track", source.writeKey(), "{\"userId\": \"u1\", \"event\": \"Order Completed\","
                + " \"messageId\": \"" + messageId + "\", \"properties\": {\"total\": 1}}"), 200);
        return messageId;
    }

    /** A Tracking API call that must answer within {@link #CLIENT_TIMEOUT}: a hang is a failure. */
    private static HttpResponse<String> track(ApiClient api, String path, String writeKey, String body) {
        return api.send(api.request(path).timeout(CLIENT_TIMEOUT).header("Content-Type", "application/json")
                .header("Authorization", ApiClient.basic(writeKey)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Timestamp lastLease(TestSource source) {
        return jdbc.queryForObject("SELECT refilled_at FROM rate_limit_buckets WHERE source_id = ?::uuid",
                Timestamp.class, source.id());
    }

    private double fallbacks(String served) {
        Counter counter = meters.find(DatabaseCircuit.FALLBACKS).tag("served", served).counter();
        return counter == null ? 0 : counter.count();
    }
}
