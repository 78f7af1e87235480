package org.opencdp.ingestion.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.ingestion.IngestionTests.assertProblem;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.ingestion.IngestionServiceApplication;
import org.opencdp.ingestion.IngestionTests.TestSource;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.CdpTestInfrastructureInitializer;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Issue 10: the rate limit holds across instances. Two instances of the service (this test's
 * context and a second one started beside it) share one database; together they admit a source's
 * limit once, not twice.
 */
@CdpIntegrationTest
@SpringBootTest(classes = IngestionServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=ingestion-service")
class RateLimitIT {

    private static final int BURST = 100;
    private static final int BATCH = 10;

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    /** The second instance: the same service on the same database and Kafka. */
    private static ConfigurableApplicationContext second;

    private ApiClient first;
    private ApiClient other;
    private String token;

    @BeforeAll
    static void startSecondInstance() {
        second = new SpringApplicationBuilder(IngestionServiceApplication.class)
                .initializers(new CdpTestInfrastructureInitializer())
                .properties("spring.config.name=ingestion-service", "server.port=0")
                .run();
    }

    @AfterAll
    static void stopSecondInstance() {
        if (second != null) {
            second.close();
        }
    }

    @BeforeEach
    void setUp() {
        first = ApiClient.onPort(port);
        other = ApiClient.onPort(Integer.parseInt(second.getEnvironment().getProperty("local.server.port")));
        token = infrastructure.token(Workspaces.fresh(), "sources:write");
    }

    @Test
    void shouldBoundTheCombinedRateOfTwoInstancesByTheSourcesLimit() {
        TestSource source = limitedSource(1, BURST);
        int offered = 0;
        int admitted = 0;
        int admittedByFirst = 0;
        int admittedByOther = 0;
        long started = System.nanoTime();
        for (int call = 0; call < 30; call++) { // 600 events offered, twice what both could take per-instance
            for (ApiClient instance : new ApiClient[] {first, other}) {
                HttpResponse<String> response = instance.track("/v1/batch", source.writeKey(), batch(call));
                offered += BATCH;
                if (response.statusCode() == 200) {
                    admitted += BATCH;
                    if (instance == first) {
                        admittedByFirst += BATCH;
                    } else {
                        admittedByOther += BATCH;
                    }
                } else {
                    assertProblem(response, 429, "rate_limited");
                    assertThat(response.headers().firstValue("Retry-After")).isPresent();
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(offered).isEqualTo(600);
        // the bucket's 100, what it refilled at 1 event/s meanwhile, and at most one unspent lease per
        // instance; per-instance buckets would have admitted 200
        assertThat(admitted).isLessThanOrEqualTo(BURST + (int) Math.ceil(seconds) + 2 * BATCH)
                .isGreaterThanOrEqualTo(BURST - 2 * BATCH);
        assertThat(admittedByFirst).isPositive();
        assertThat(admittedByOther).isPositive();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM rate_limit_buckets WHERE source_id = ?::uuid",
                Integer.class, source.id())).isEqualTo(1);
    }

    @Test
    void shouldAdmitABurstRefuseWithRetryAfterAndLeaveOtherSourcesAlone() {
        TestSource source = limitedSource(1, 20);
        TestSource neighbour = limitedSource(1, 20);

        assertThat(first.track("/v1/batch", source.writeKey(), batch(0, 20)).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = other.track("/v1/batch", source.writeKey(), batch(1, 10));

        JsonNode problem = assertProblem(refused, 429, "rate_limited");
        assertThat(problem.path("eventsPerSecond").asInt()).isEqualTo(1);
        assertThat(problem.path("burst").asInt()).isEqualTo(20);
        assertThat(refused.headers().firstValue("Retry-After").map(Integer::parseInt))
                .hasValueSatisfying(seconds -> assertThat(seconds).isBetween(1, 10));
        // refused on the first instance too, which now knows the bucket's level
        assertProblem(first.track("/v1/batch", source.writeKey(), batch(2, 10)), 429, "rate_limited");
        assertThat(other.track("/v1/batch", neighbour.writeKey(), batch(3, 20)).statusCode()).isEqualTo(200);
    }

    private TestSource limitedSource(int eventsPerSecond, int burst) {
        TestSource source = TestSource.create(first, token, "Limited");
        HttpResponse<String> limited = first.patch("/v1/sources/" + source.id(), token,
                "{\"rateLimit\": {\"eventsPerSecond\": " + eventsPerSecond + ", \"burst\": " + burst + "}}");
        assertThat(limited.statusCode()).as(limited.body()).isEqualTo(200);
        return source;
    }

    private static String batch(int call) {
        return batch(call, BATCH);
    }

    private static String batch(int call, int size) {
        return "{\"batch\": [" + IntStream.range(0, size).mapToObj(i -> "{\"type\": \"track\", \"userId\": "
                + "\"u-rate\", \"event\": \"E\", \"messageId\": \"m-" + call + "-" + i + "\"}")
                .collect(Collectors.joining(",")) + "]}";
    }
}
