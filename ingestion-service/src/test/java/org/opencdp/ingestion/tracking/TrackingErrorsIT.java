package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.ingestion.IngestionTests.assertProblem;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Topics;
import org.opencdp.ingestion.IngestionTests.TestSource;
import org.opencdp.ingestion.IngestionServiceApplication;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@CdpIntegrationTest
@SpringBootTest(classes = IngestionServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=ingestion-service")
class TrackingErrorsIT {

    private static final String WORKSPACE = "ws_errors";
    private static final String EVENT = "{\"userId\": \"u1\", \"event\": \"E\"}";

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String token = infrastructure.token(WORKSPACE, "sources:write");

    @LocalServerPort
    int port;

    private ApiClient api;
    private TopicReader events;
    private TestSource source;
    private String writeKey;

    @BeforeEach
    void setUp() {
        api = ApiClient.onPort(port);
        source = TestSource.create(api, token, "Errors");
        writeKey = source.writeKey();
        events = infrastructure.read(Topics.EVENTS);
    }

    @AfterEach
    void tearDown() {
        events.close();
    }

    @Test
    void shouldAnswer401ForAMissingUnknownOrDisabledWriteKeyAlike() {
        HttpResponse<String> missing = api.track("/v1/track", null, EVENT);
        assertProblem(missing, 401, "missing_write_key");
        assertThat(missing.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"OpenCDP Tracking API\"");
        assertProblem(api.track("/v1/batch", null, "{\"batch\": [" + EVENT + "]}"), 401, "missing_write_key");
        JsonNode unknown = assertProblem(api.track("/v1/track", "wk_unknown", EVENT), 401, "invalid_write_key");
        assertProblem(api.track("/v1/track", null, "{\"writeKey\": \"wk_unknown\", \"userId\": \"u1\", \"event\": \"E\"}"),
                401, "invalid_write_key");
        assertProblem(api.track("/v1/track", null, "{\"writeKey\": 42, \"userId\": \"u1\", \"event\": \"E\"}"),
                401, "invalid_write_key");
        assertProblem(api.send(api.request("/v1/track").header("Authorization", "Basic %%%")
                .POST(HttpRequest.BodyPublishers.ofString(EVENT))), 401, "invalid_write_key");

        api.patch("/v1/sources/" + source.id(), token, "{\"enabled\": false}");
        JsonNode disabled = assertProblem(api.track("/v1/track", writeKey, EVENT), 401, "invalid_write_key");

        assertThat(disabled.path("detail")).isEqualTo(unknown.path("detail"));
        assertThat(disabled.path("title")).isEqualTo(unknown.path("title"));
    }

    @Test
    void shouldAnswer400WithTheReasonsForAnInvalidEventAndPublishNothing() {
        JsonNode missingEvent = assertProblem(api.track("/v1/track", writeKey,
                "{\"userId\": \"u-invalid\", \"messageId\": \"m-invalid\"}"), 400, "invalid_event");
        assertThat(missingEvent.path("errors").get(0).path("code").asString()).isEqualTo("missing_field");
        assertThat(missingEvent.path("errors").get(0).path("pointer").asString()).isEqualTo("/event");
        assertThat(missingEvent.path("errors").get(0).path("message").asString()).isNotBlank();

        JsonNode wrongTypes = assertProblem(api.track("/v1/identify", writeKey,
                "{\"userId\": \"u-invalid\", \"traits\": [1], \"context\": \"web\", \"timestamp\": \"soon\"}"),
                400, "invalid_event");
        assertThat(wrongTypes.path("errors").valueStream().map(e -> e.path("pointer").asString()))
                .containsExactlyInAnyOrder("/traits", "/context", "/timestamp");
        assertProblem(api.track("/v1/alias", writeKey, "{\"userId\": \"u-invalid\"}"), 400, "invalid_event");
        assertProblem(api.track("/v1/group", writeKey, "{\"userId\": \"u-invalid\"}"), 400, "invalid_event");
        assertProblem(api.track("/v1/page", writeKey, "{\"name\": \"Home\"}"), 400, "invalid_event");

        // a valid event for the same person lands on the same partition after anything sent before it
        assertThat(api.track("/v1/track", writeKey, "{\"userId\": \"u-invalid\", \"event\": \"Sentinel\"}")
                .statusCode()).isEqualTo(200);
        var records = events.await(r -> r.value().contains("Sentinel"), 1, Duration.ofSeconds(30));
        assertThat(records).hasSize(1);
        assertThat(events.await(source::published, 1, Duration.ZERO)).hasSize(1);
    }

    @Test
    void shouldAnswer400ForInvalidOrHostileJson() {
        assertProblem(api.track("/v1/track", writeKey, "{oops"), 400, "invalid_json");
        assertProblem(api.track("/v1/track", writeKey, ""), 400, "invalid_json");
        assertProblem(api.track("/v1/track", writeKey, "[" + EVENT + "]"), 400, "invalid_json");
        assertProblem(api.track("/v1/track", writeKey, EVENT + EVENT), 400, "invalid_json");
        String deep = "{\"userId\": \"u1\", \"event\": \"E\", \"properties\": " + "{\"a\": ".repeat(200) + "1"
                + "}".repeat(200) + "}";
        assertProblem(api.track("/v1/track", writeKey, deep), 400, "invalid_json");
        assertProblem(api.track("/v1/batch", writeKey, "{\"batch\": [" + "[".repeat(5_000) + "]".repeat(5_000) + "]}"),
                400, "invalid_json");
        assertProblem(api.track("/v1/track", writeKey, "{\"userId\": \"u1\", \"event\": \"E\", \"properties\": {\"n\": "
                + "1".repeat(1_000) + "}}"), 400, "invalid_json");
    }

    @Test
    void shouldAnswer400ForANumberWhoseExponentIsBeyondTheIntRange() { // issue 16, found by fuzzing
        String event = "{\"userId\": \"u1\", \"event\": \"E\", \"properties\": {\"n\": 1E+2147483648}}";

        JsonNode single = assertProblem(api.track("/v1/track", writeKey, event), 400, "invalid_json");
        JsonNode batch = assertProblem(api.track("/v1/batch", writeKey, "{\"batch\": [" + event + "]}"), 400,
                "invalid_json");

        assertThat(single.path("detail").asString()).startsWith("The body holds a number out of range");
        assertThat(batch.path("detail").asString()).isEqualTo(single.path("detail").asString());
    }

    @Test
    void shouldAnswer413ForAnOversizedEventRequestOrGzipBomb() {
        String bigEvent = "{\"userId\": \"u1\", \"event\": \"E\", \"properties\": {\"blob\": \"" + "x".repeat(40_000) + "\"}}";
        assertProblem(api.track("/v1/track", writeKey, bigEvent), 413, "payload_too_large");

        String bigBatch = "{\"batch\": [" + IntStream.range(0, 30).mapToObj(i -> "{\"type\": \"track\", \"userId\": \"u1\", "
                + "\"event\": \"E\", \"properties\": {\"blob\": \"" + "x".repeat(20_000) + "\"}}")
                .collect(Collectors.joining(",")) + "]}";
        assertProblem(api.track("/v1/batch", writeKey, bigBatch), 413, "payload_too_large");

        byte[] bomb = ApiClient.gzip(new byte[20_000_000]);
        assertProblem(gzipped("/v1/batch", bomb), 413, "payload_too_large");
        assertProblem(gzipped("/v1/batch", "not gzip".getBytes(StandardCharsets.UTF_8)), 400, "invalid_gzip");
        assertProblem(api.send(api.request("/v1/track").header("Authorization", ApiClient.basic(writeKey))
                .header("Content-Encoding", "br").POST(HttpRequest.BodyPublishers.ofString(EVENT))),
                415, "unsupported_content_encoding");
    }

    @Test
    void shouldRejectAnOversizedEventInsideABatch() {
        String batch = "{\"batch\": [{\"type\": \"track\", \"userId\": \"u1\", \"event\": \"Small\"}, "
                + "{\"type\": \"track\", \"userId\": \"u1\", \"event\": \"Big\", \"properties\": {\"blob\": \""
                + "x".repeat(40_000) + "\"}}]}";

        HttpResponse<String> response = api.track("/v1/batch", writeKey, batch);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(ApiClient.json(response).path("rejected").get(0).path("code").asString())
                .isEqualTo("event_too_large");
    }

    @Test
    void shouldRefuseEventsWithANulCharacterThatNoServiceCouldStore() {
        JsonNode single = assertProblem(api.track("/v1/track", writeKey,
                "{\"userId\": \"u-nul\", \"event\": \"E\", \"properties\": {\"note\": \"a\\u0000b\"}}"),
                400, "invalid_event");
        assertThat(single.path("errors").get(0).path("code").asString()).isEqualTo("invalid_character");
        assertThat(single.path("errors").get(0).path("pointer").asString()).isEqualTo("/properties/note");

        HttpResponse<String> batch = api.track("/v1/batch", writeKey, "{\"batch\": ["
                + "{\"type\": \"track\", \"userId\": \"u-nul\\u0000\", \"event\": \"E\"}, "
                + "{\"type\": \"track\", \"userId\": \"u-nul\", \"event\": \"Escaped backslash \\\\u0000 is fine\"}]}");
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        JsonNode rejected = ApiClient.json(batch).path("rejected");
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).path("index").asInt()).isZero();
        assertThat(rejected.get(0).path("code").asString()).isEqualTo("invalid_character");
        assertThat(events.await(r -> r.value().contains("Escaped backslash"), 1, Duration.ofSeconds(30))).hasSize(1);

        JsonNode inContext = assertProblem(api.track("/v1/batch", writeKey, "{\"context\": {\"ip\": \"\\u0000\"}, "
                + "\"batch\": [{\"type\": \"track\", \"userId\": \"u1\", \"event\": \"E\"}]}"), 400, "invalid_character");
        assertThat(inContext.path("detail").asString()).contains("/context/ip");
    }

    @Test
    void shouldAnswer400ForABatchOverTheLimitOrWithoutEvents() {
        String tooMany = "{\"batch\": [" + IntStream.range(0, 2_501).mapToObj(i -> "{\"type\":\"identify\",\"userId\":\"u" + i + "\"}")
                .collect(Collectors.joining(",")) + "]}";
        JsonNode problem = assertProblem(api.track("/v1/batch", writeKey, tooMany), 400, "batch_too_large");
        assertThat(problem.path("limit").asInt()).isEqualTo(2_500);

        assertProblem(api.track("/v1/batch", writeKey, "{\"batch\": []}"), 400, "invalid_batch");
        assertProblem(api.track("/v1/batch", writeKey, "{\"batch\": {}}"), 400, "invalid_batch");
        assertProblem(api.track("/v1/batch", writeKey, "{}"), 400, "invalid_batch");
        assertProblem(api.track("/v1/batch", writeKey, "{\"context\": 1, \"batch\": [" + EVENT + "]}"), 400,
                "invalid_batch");
    }

    @Test
    void shouldAnswer400WhenEveryEventOfABatchIsInvalid() {
        JsonNode problem = assertProblem(api.track("/v1/batch", writeKey,
                "{\"batch\": [{\"type\": \"track\", \"userId\": \"u1\"}, {\"userId\": \"u1\"}]}"), 400, "invalid_event");

        assertThat(problem.path("rejected").valueStream().map(r -> r.path("code").asString()))
                .containsExactly("missing_field", "invalid_type");
    }

    @Test
    void shouldAnswer429WithRetryAfterWhenTheSourceIsOverItsRateLimitCountingEvents() {
        HttpResponse<String> limited = api.patch("/v1/sources/" + source.id(), token,
                "{\"rateLimit\": {\"eventsPerSecond\": 1, \"burst\": 20}}");
        assertThat(limited.statusCode()).as(limited.body()).isEqualTo(200);
        TestSource neighbour = TestSource.create(api, token, "Unlimited neighbour");

        assertThat(api.track("/v1/batch", writeKey, batch("within", 20)).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = api.track("/v1/batch", writeKey, batch("over", 10));

        JsonNode problem = assertProblem(refused, 429, "rate_limited");
        assertThat(problem.path("eventsPerSecond").asInt()).isEqualTo(1);
        assertThat(problem.path("burst").asInt()).isEqualTo(20);
        assertThat(refused.headers().firstValue("Retry-After").map(Integer::parseInt))
                .hasValueSatisfying(seconds -> assertThat(seconds).isBetween(1, 10));
        assertThat(api.track("/v1/track", neighbour.writeKey(), EVENT).statusCode()).isEqualTo(200);

        assertThat(events.await(r -> r.value().contains("m-within-"), 20, Duration.ofSeconds(30))).hasSize(20);
        assertThat(events.drain(r -> r.value().contains("m-over-"), Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void shouldCountEachSourcesEventsAcceptedRejectedByReasonAndRateLimited() { // issue 17
        TestSource counted = TestSource.create(api, token, "Counted");
        String key = counted.writeKey();
        String missingType = "{\"userId\": \"u1\", \"event\": \"E\"}";

        assertThat(api.track("/v1/batch", key, "{\"batch\": [{\"type\": \"track\", \"userId\": \"u1\", \"event\": \"E\"},"
                + "{\"type\": \"page\", \"userId\": \"u1\"}, " + missingType + "]}").statusCode()).isEqualTo(200);
        assertProblem(api.track("/v1/track", key, "{oops"), 400, "invalid_json");
        assertProblem(api.track("/v1/track", key, "{\"userId\": \"u1\"}"), 400, "invalid_event");
        assertProblem(api.track("/v1/track", key, "{\"userId\": \"u1\", \"event\": \"E\\u0000\"}"), 400,
                "invalid_event");
        assertProblem(api.track("/v1/track", key, "{\"userId\": \"u1\", \"event\": \"E\", \"properties\": {\"s\": \""
                + "x".repeat(40_000) + "\"}}"), 413, "payload_too_large");
        assertProblem(api.track("/v1/batch", key, batch("too-many", 2_501)), 400, "batch_too_large");
        assertProblem(api.track("/v1/batch", key, "{\"batch\": []}"), 400, "invalid_batch");
        assertThat(api.patch("/v1/sources/" + counted.id(), token,
                "{\"rateLimit\": {\"eventsPerSecond\": 1, \"burst\": 20}}").statusCode()).isEqualTo(200);
        assertThat(api.track("/v1/batch", key, batch("counted", 20)).statusCode()).isEqualTo(200);
        assertProblem(api.track("/v1/batch", key, batch("limited", 10)), 429, "rate_limited");

        String metrics = api.get("/actuator/prometheus", null).body();

        assertThat(sample(metrics, "cdp_ingestion_events_accepted_total", counted.id(), null)).isEqualTo(22);
        assertThat(sample(metrics, "cdp_ingestion_events_rate_limited_total", counted.id(), null)).isEqualTo(10);
        assertThat(Stream.of(Rejection.values()).collect(Collectors.toMap(Rejection::name,
                reason -> sample(metrics, "cdp_ingestion_events_rejected_total", counted.id(), reason.name()))))
                .containsExactlyInAnyOrderEntriesOf(Map.of("invalid_json", 1.0, "too_large", 2_502.0,
                        "invalid_batch", 1.0, "invalid_event", 2.0, "invalid_character", 1.0, "tracking_plan", 0.0,
                        "suppressed", 0.0));
    }

    /** The value of the Prometheus sample {@code name} of the source (and reason), which must be there. */
    private static double sample(String metrics, String name, String sourceId, String reason) {
        return metrics.lines()
                .filter(line -> line.startsWith(name + "{") && line.contains("source=\"" + sourceId + "\"")
                        && (reason == null || line.contains("reason=\"" + reason + "\"")))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .reduce((a, b) -> {
                    throw new AssertionError("several samples of " + name + " for " + sourceId + ", " + reason);
                })
                .orElseThrow(() -> new AssertionError("no sample of " + name + " for " + sourceId + ", " + reason));
    }

    private static String batch(String name, int size) {
        return "{\"batch\": [" + IntStream.range(0, size).mapToObj(i -> "{\"type\": \"track\", \"userId\": "
                + "\"u-rate\", \"event\": \"E\", \"messageId\": \"m-" + name + "-" + i + "\"}")
                .collect(Collectors.joining(",")) + "]}";
    }

    @Test
    void shouldAnswerProblemsForWrongMethods() {
        assertProblem(api.send(api.request("/v1/track").GET()), 405, "method_not_allowed");
    }

    private HttpResponse<String> gzipped(String path, byte[] body) {
        return api.send(api.request(path).header("Authorization", ApiClient.basic(writeKey))
                .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

}
