package org.opencdp.ingestion.trackingplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.ingestion.IngestionTests.assertProblem;
import static org.opencdp.testsupport.ApiClient.json;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.EventRejected;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;
import org.opencdp.ingestion.IngestionTests.TestSource;
import org.opencdp.ingestion.IngestionServiceApplication;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@CdpIntegrationTest
@SpringBootTest(classes = IngestionServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=ingestion-service")
class TrackingPlanIT {

    private static final String WORKSPACE = "ws_plans";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ORDER_SCHEMA = """
            {"type": "object", "required": ["total"],
             "properties": {"total": {"type": "number", "minimum": 0}, "currency": {"enum": ["EUR", "USD"]}}}""";

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String writer = infrastructure.token(WORKSPACE, "sources:write");
    private final String reader = infrastructure.token(WORKSPACE, "sources:read");

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    private ApiClient api;
    private TopicReader events;
    private TopicReader rejected;
    private TestSource source;
    private String writeKey;

    @BeforeEach
    void setUp() {
        api = ApiClient.onPort(port);
        source = TestSource.create(api, writer, "Shop");
        writeKey = source.writeKey();
        events = infrastructure.read(Topics.EVENTS);
        rejected = infrastructure.read(Topics.REJECTED_EVENTS);
    }

    @AfterEach
    void tearDown() {
        events.close();
        rejected.close();
    }

    @Test
    void shouldStoreShowReplaceAndDeleteATrackingPlan() {
        HttpResponse<String> stored = putPlan(plan("block", "allow"));

        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
        JsonNode body = json(stored);
        assertThat(body.path("sourceId").asString()).isEqualTo(source.id());
        assertThat(body.path("events").path("Order Completed")).isEqualTo(
                MessageCodec.mapper().readTree(ORDER_SCHEMA));
        assertThat(body.path("unplannedEvents").asString()).isEqualTo("block");
        assertThat(body.path("invalidEvents").asString()).isEqualTo("allow");
        assertThat(json(api.get(planPath(), reader))).isEqualTo(body);

        JsonNode replaced = json(putPlan("{\"events\": {\"Signed Up\": true}}"));
        assertThat(replaced.path("events").has("Order Completed")).isFalse();
        assertThat(replaced.path("unplannedEvents").asString()).isEqualTo("allow");
        assertThat(replaced.path("invalidEvents").asString()).isEqualTo("allow");
        assertThat(replaced.path("createdAt")).isEqualTo(body.path("createdAt"));

        assertThat(api.delete(planPath(), writer).statusCode()).isEqualTo(204);
        assertProblem(api.get(planPath(), writer), 404, "tracking_plan_not_found");
        assertProblem(api.delete(planPath(), writer), 404, "tracking_plan_not_found");
    }

    @Test
    void shouldRefuseAnInvalidTrackingPlanWithTheSchemaErrorsAndStoreNothing() {
        JsonNode problem = assertProblem(putPlan("""
                {"events": {"Order Completed": {"type": "money"}, "Remote": {"$ref": "https://example.com/s.json"}},
                 "identify": [1]}"""), 400, "invalid_tracking_plan");

        assertThat(problem.path("errors").valueStream().map(error -> error.path("pointer").asString()))
                .contains("/events/Order Completed/type", "/identify");
        assertThat(problem.path("errors").get(0).path("message").asString()).isNotBlank();
        assertProblem(api.get(planPath(), writer), 404, "tracking_plan_not_found");

        assertProblem(putPlan("{\"events\": {\"Remote\": {\"$ref\": \"https://example.com/s.json\"}}}"), 400,
                "invalid_tracking_plan");
        assertProblem(putPlan("{\"unplannedEvents\": \"drop\"}"), 400, "validation_failed");
        assertProblem(putPlan("{\"events\": []}"), 400, "malformed_body");
        assertProblem(api.get(planPath(), writer), 404, "tracking_plan_not_found");
    }

    @Test
    void shouldRefuseSchemasThatWouldFailOnTheServerWithAPointerEach() { // issue 16, found by fuzzing
        String deep = "{\"not\": ".repeat(100) + "{}" + "}".repeat(100);
        JsonNode problem = assertProblem(putPlan("{\"events\": {"
                + "\"Long\": {\"pattern\": \"" + "a".repeat(LinearTimePatterns.MAX_PATTERN_LENGTH + 1) + "\"},"
                + "\"Deep\": " + deep + ","
                + "\"Count\": {\"minItems\": 1e300},"
                + "\"Cycle\": {\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"$ref\": \"#/$defs/a\"}}, \"$ref\": \"#/$defs/a\"},"
                + "\"Nul\": {\"properties\": {\"a\": {\"const\": \"\\u0000\"}}}}}"), 400, "invalid_tracking_plan");

        assertThat(problem.path("errors").valueStream().map(error -> error.path("pointer").asString()))
                .containsExactlyInAnyOrder("/events/Long/pattern", "/events/Deep" + "/not".repeat(SchemaLimits.MAX_DEPTH),
                        "/events/Count/minItems", "/events/Cycle/$defs/b/$ref", "/events/Nul/properties/a/const");
        assertThat(problem.path("errors").valueStream().map(error -> error.path("message").asString()))
                .allSatisfy(message -> assertThat(message).isNotBlank());
        assertProblem(api.get(planPath(), writer), 404, "tracking_plan_not_found");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS) // only against a hang: a backtracking engine would take ages
    void shouldCheckACatastrophicPatternOnA32KbValueWithoutPinningTheRequestThread() { // issue 10
        assertThat(putPlan("""
                {"events": {"Code Entered": {"properties": {"code": {"type": "string", "pattern": "^(a+)+$"}}}},
                 "invalidEvents": "block"}""").statusCode()).isEqualTo(200);
        String hostile = "a".repeat(32 * 1024 - 200) + "!";

        HttpResponse<String> response = api.track("/v1/track", writeKey,
                track("m-redos", "Code Entered", "{\"code\": \"" + hostile + "\"}"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).path("rejected").get(0).path("code").asString()).isEqualTo("schema_violation");
        assertThat(json(response).path("rejected").get(0).path("message").asString()).contains("/properties/code");
    }

    @Test
    void shouldRefuseAPatternWithABackreferenceOrLookaroundWhenThePlanIsStored() { // issue 10
        JsonNode problem = assertProblem(putPlan("""
                {"events": {"Signed Up": {"properties": {"a": {"pattern": "(x)\\\\1"}, "b": {"pattern": "^(?!admin)"}}}}}"""),
                400, "invalid_tracking_plan");

        assertThat(problem.path("errors").valueStream().map(error -> error.path("pointer").asString()))
                .containsExactlyInAnyOrder("/events/Signed Up/properties/a/pattern",
                        "/events/Signed Up/properties/b/pattern");
        assertThat(problem.path("errors").get(0).path("message").asString()).contains("no backreferences");
        assertProblem(api.get(planPath(), writer), 404, "tracking_plan_not_found");
    }

    @Test
    void shouldBlockUnplannedAndInvalidEventsOntoTheRejectedTopicWithTheSchemaErrors() {
        assertThat(api.track("/v1/track", writeKey, track("m-before", "Signed Up", "{}")).statusCode())
                .isEqualTo(200);
        assertThat(putPlan(plan("block", "block")).statusCode()).isEqualTo(200);

        HttpResponse<String> unplanned = api.track("/v1/track", writeKey, track("m-unplanned", "Signed Up", "{}"));
        HttpResponse<String> batch = api.track("/v1/batch", writeKey, "{\"batch\": ["
                + batchTrack("m-valid", "Order Completed", "{\"total\": 10, \"currency\": \"EUR\"}") + ", "
                + batchTrack("m-invalid", "Order Completed", "{\"total\": -5, \"currency\": \"GBP\"}") + ", "
                + "{\"type\": \"page\", \"userId\": \"u-plan\", \"messageId\": \"m-page\"}]}");

        assertThat(unplanned.statusCode()).as(unplanned.body()).isEqualTo(200);
        assertThat(json(unplanned).path("success").asBoolean()).isTrue();
        assertThat(json(unplanned).path("rejected").get(0).path("code").asString()).isEqualTo("unplanned_event");
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        JsonNode refused = json(batch).path("rejected");
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).path("index").asInt()).isEqualTo(1);
        assertThat(refused.get(0).path("code").asString()).isEqualTo("schema_violation");
        assertThat(refused.get(0).path("message").asString()).contains("/properties/total", "/properties/currency");

        assertThat(messageIds(events.await(source::published, 3, WAIT)))
                .containsExactlyInAnyOrder("m-before", "m-valid", "m-page");
        List<EventRejected> blocked = rejected.await(source::published, 2, WAIT).stream()
                .map(record -> MessageCodec.read(record.value(), EventRejected.class)).toList();
        assertThat(blocked).extracting(message -> message.event().path("messageId").asString())
                .containsExactlyInAnyOrder("m-unplanned", "m-invalid");
        EventRejected invalid = blocked.stream()
                .filter(message -> message.event().path("messageId").asString().equals("m-invalid")).findFirst()
                .orElseThrow();
        assertThat(invalid.personId()).isEqualTo("u-plan");
        assertThat(invalid.event().path("properties").path("currency").asString()).isEqualTo("GBP");
        assertThat(invalid.reasons()).extracting(EventRejected.Reason::path)
                .containsExactlyInAnyOrder("/properties/total", "/properties/currency");
        assertThat(invalid.reasons()).allSatisfy(reason -> assertThat(reason.code()).isEqualTo("schema_violation"));
        assertThat(meters.get("cdp.ingestion.events.rejected").tag("source", source.id()).tag("reason", "tracking_plan")
                .counter().count()).isEqualTo(2);

        JsonNode violations = json(api.get(sourcePath() + "/violations", reader));
        assertThat(violations.path("violations").asLong()).isEqualTo(2);
        assertThat(violations.path("blocked").asLong()).isEqualTo(2);

        // deleting the plan lets the same event through at once
        assertThat(api.delete(planPath(), writer).statusCode()).isEqualTo(204);
        assertThat(json(api.track("/v1/track", writeKey, track("m-after", "Signed Up", "{}"))).has("rejected"))
                .isFalse();
        assertThat(messageIds(events.await(source::published, 4, WAIT))).contains("m-after");
    }

    @Test
    void shouldAcceptInvalidEventsWhenThePlanAllowsThemAndCountTheViolations() {
        assertThat(putPlan(plan("allow", "allow")).statusCode()).isEqualTo(200);

        for (int i = 0; i < 3; i++) {
            assertThat(json(api.track("/v1/track", writeKey, track("m-bad-" + i, "Order Completed",
                    "{\"currency\": \"GBP\"}"))).has("rejected")).isFalse();
        }
        api.track("/v1/track", writeKey, track("m-unplanned-1", "Coupon Applied", "{}"));
        api.track("/v1/track", writeKey, track("m-good", "Order Completed", "{\"total\": 1}"));
        api.track("/v1/identify", writeKey, "{\"userId\": \"u-plan\", \"traits\": {\"plan\": \"gold\"}}");

        assertThat(messageIds(events.await(source::published, 6, WAIT))).hasSize(6)
                .contains("m-bad-0", "m-bad-1", "m-bad-2", "m-unplanned-1", "m-good");
        assertThat(rejected.drain(source::published, Duration.ofSeconds(1))).isEmpty();

        HttpResponse<String> answer = api.get(sourcePath() + "/violations", reader);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode violations = json(answer);
        assertThat(violations.path("violations").asLong()).isEqualTo(5);
        assertThat(violations.path("blocked").asLong()).isZero();
        JsonNode order = item(violations, "track", "Order Completed");
        assertThat(order.path("violations").asLong()).isEqualTo(3);
        assertThat(order.path("samples")).hasSize(3);
        assertThat(order.path("samples").get(0).path("messageId").asString()).isEqualTo("m-bad-2");
        assertThat(order.path("samples").get(0).path("blocked").asBoolean()).isFalse();
        assertThat(order.path("samples").get(0).path("reasons").valueStream().map(r -> r.path("path").asString()))
                .contains("/properties", "/properties/currency");
        assertThat(order.path("samples").toString()).doesNotContain("GBP");
        assertThat(item(violations, "track", "Coupon Applied").path("samples").get(0).path("reasons").get(0)
                .path("code").asString()).isEqualTo("unplanned_event");
        assertThat(item(violations, "identify", null).path("violations").asLong()).isEqualTo(1);

        assertThat(meters.get(ViolationRecorder.METRIC).tags("source", source.id(), "event", "Order Completed",
                "outcome", "allowed").counter().count()).isEqualTo(3);
        assertThat(meters.get(ViolationRecorder.METRIC).tags("source", source.id(), "event", "(unplanned)")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void shouldAnswerNotFoundForAnotherWorkspacesSourceAndRequireTheScopes() {
        assertThat(putPlan(plan("allow", "allow")).statusCode()).isEqualTo(200);
        String other = infrastructure.token("ws_other", "sources:write sources:read");
        String unrelated = infrastructure.token(WORKSPACE, "profiles:read");

        assertProblem(api.put(planPath(), other, plan("block", "block")), 404, "source_not_found");
        assertProblem(api.get(planPath(), other), 404, "source_not_found");
        assertProblem(api.delete(planPath(), other), 404, "source_not_found");
        assertProblem(api.get(sourcePath() + "/violations", other), 404, "source_not_found");
        assertProblem(api.get("/v1/sources/not-a-uuid/tracking-plan", writer), 404, "source_not_found");
        assertProblem(api.get("/v1/sources/00000000-0000-0000-0000-000000000000/violations", writer), 404,
                "source_not_found");

        assertProblem(api.put(planPath(), reader, plan("block", "block")), 403, "missing_scope");
        assertProblem(api.delete(planPath(), reader), 403, "missing_scope");
        assertProblem(api.get(planPath(), unrelated), 403, "missing_scope");
        assertProblem(api.get(sourcePath() + "/violations", unrelated), 403, "missing_scope");
        assertProblem(api.get(planPath(), null), 401, "missing_token");

        assertThat(json(api.get(planPath(), reader)).path("unplannedEvents").asString()).isEqualTo("allow");
        assertThat(api.get(sourcePath() + "/violations", writer).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> putPlan(String plan) {
        return api.put(planPath(), writer, plan);
    }

    private static String plan(String unplanned, String invalid) {
        return "{\"events\": {\"Order Completed\": " + ORDER_SCHEMA + "}, \"identify\": {\"properties\": "
                + "{\"plan\": {\"enum\": [\"free\", \"pro\"]}}}, \"unplannedEvents\": \"" + unplanned
                + "\", \"invalidEvents\": \"" + invalid + "\"}";
    }

    private static String track(String messageId, String event, String properties) {
        return "{\"userId\": \"u-plan\", \"messageId\": \"" + messageId + "\", \"event\": \"" + event
                + "\", \"properties\": " + properties + "}";
    }

    private static String batchTrack(String messageId, String event, String properties) {
        return "{\"type\": \"track\", " + track(messageId, event, properties).substring(1);
    }

    private static JsonNode item(JsonNode violations, String type, String event) {
        return violations.path("items").valueStream()
                .filter(item -> item.path("type").asString().equals(type)
                        && (event == null ? item.path("event").isNull() : item.path("event").asString().equals(event)))
                .findFirst().orElseThrow(() -> new AssertionError(type + " " + event + " in " + violations));
    }

    private static List<String> messageIds(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> MessageCodec.read(r.value(), EventAccepted.class).event().messageId())
                .toList();
    }

    private String planPath() {
        return sourcePath() + "/tracking-plan";
    }

    private String sourcePath() {
        return "/v1/sources/" + source.id();
    }

}
