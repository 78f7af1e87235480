package org.opencdp.segmentation.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.segmentation.segment.SegmentationDriver.TIMEOUT;
import static org.opencdp.segmentation.segment.SegmentationDriver.soon;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;
import static org.opencdp.testsupport.ApiClient.json;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentifierTypes;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.kit.security.Scopes;
import org.opencdp.profile.ProfileServiceApplication;
import org.opencdp.segmentation.SegmentationServiceApplication;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicWriter;
import org.opencdp.testsupport.Workspaces;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 11: {@code event} nodes end to end, with the real profile-service running next to
 * segmentation on the same broker and database: events go in as identity-service publishes them,
 * profile-service counts them in the segment's hidden computed trait and publishes the counts, and
 * segmentation's memberships follow — entering in real time, leaving a {@code within} window on time
 * without a new event, {@code between} ranges, {@code where} filters, backdated events, every count
 * op, merges, the hidden trait's life and two workspaces with the same event name.
 */
@CdpIntegrationTest
@SpringBootTest(classes = SegmentationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=segmentation-service", "cdp.segmentation.build.poll-interval=100ms"})
class EventSegmentsIT {

    private static final String ORDER = "Order Completed";
    /** Three or more orders of at least 50 in 30 days. */
    private static final String BIG_ORDERS = """
            {"event": "Order Completed", "where": [{"property": "total", "op": "gte", "value": 50}],
             "count": {"op": "gte", "value": 2}, "within": "P30D"}""";

    private static ConfigurableApplicationContext profileService;
    private static int profilePort;

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String ws = Workspaces.fresh();

    @LocalServerPort
    int port;

    private SegmentationDriver client;
    private ApiClient api;
    private ApiClient profileApi;
    private TopicWriter events;

    /** Starts profile-service on this test's infrastructure before segmentation, which is pointed at it. */
    @DynamicPropertySource
    static void profileService(DynamicPropertyRegistry registry) {
        TestInfrastructure infrastructure = CdpTestEnvironment.current();
        List<String> arguments = new ArrayList<>();
        infrastructure.springProperties().forEach((name, value) -> arguments.add("--" + name + "=" + value));
        arguments.addAll(List.of("--server.port=0", "--spring.main.banner-mode=off",
                "--cdp.profile.retention.maintenance-enabled=false",
                "--cdp.profile.computed-traits.backfill-interval=100ms",
                "--cdp.profile.computed-traits.decay-interval=500ms"));
        profileService = ProfileServiceApplication.application().run(arguments.toArray(String[]::new));
        profilePort = Integer.parseInt(profileService.getEnvironment().getProperty("local.server.port"));
        registry.add("cdp.segmentation.profile.url", () -> "http://localhost:" + profilePort);
    }

    @AfterAll
    static void stopProfileService() {
        if (profileService != null) {
            profileService.close();
        }
    }

    @BeforeEach
    void connect() {
        client = new SegmentationDriver(infrastructure, ws, port);
        api = client.api();
        profileApi = ApiClient.onPort(profilePort);
        events = infrastructure.writer();
    }

    @AfterEach
    void disconnect() {
        events.close();
        client.close();
    }

    @Test
    void shouldWaitForTheHiddenTraitThenFollowEventsInRealTimeWithWhereFiltersAndBackdatedEvents() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        identify(ws, "p1", "p2", "p3", "p4");
        order(ws, "p1", now.minus(Duration.ofDays(1)), 60);
        order(ws, "p1", now.minus(Duration.ofDays(2)), 50);
        order(ws, "p1", now.minus(Duration.ofDays(3)), 10);
        order(ws, "p2", now.minus(Duration.ofDays(1)), 99);
        order(ws, "p2", now.minus(Duration.ofDays(2)), 49);
        order(ws, "p3", now.minus(Duration.ofDays(40)), 70);
        order(ws, "p3", now.minus(Duration.ofDays(41)), 70);
        client.awaitKnown("p1", "p2", "p3", "p4");

        JsonNode created = body(api.post("/v1/segments", client.writeToken(),
                "{\"name\": \"Big spenders\", \"condition\": " + BIG_ORDERS + "}"), 201);
        String segment = created.path("id").asString();
        assertThat(created.path("status").asString()).isEqualTo("building");
        assertThat(created.path("progress").path("phase").asString()).isEqualTo("waiting_for_event_traits");
        assertThat(created.path("condition").path("within").asString()).isEqualTo("PT720H");
        String key = hiddenTraitOf(ws, ORDER);

        JsonNode ready = client.awaitReady(segment);
        assertThat(ready.path("progress").path("phase").asString()).isEqualTo("evaluating");
        // the backfill's counts reach segmentation through the profile changes topic, possibly just after "ready"
        soon().until(() -> members(segment), m -> m.equals(List.of("p1")));
        JsonNode trait = body(profileApi.get("/v1/computed-traits/" + key, profileToken(ws)), 200);
        assertThat(trait.path("hidden").asBoolean()).isTrue();
        assertThat(trait.path("status").asString()).isEqualTo("ready");
        assertThat(body(profileApi.get("/v1/computed-traits", profileToken(ws)), 200).path("items")).isEmpty();

        order(ws, "p2", now.minusSeconds(5), 50);
        soon().until(() -> members(segment), m -> m.equals(List.of("p1", "p2")));
        // backdated: one inside the window counts, one before it does not
        order(ws, "p4", now.minus(Duration.ofDays(31)), 80);
        order(ws, "p4", now.minus(Duration.ofDays(29)), 80);
        order(ws, "p4", now.minus(Duration.ofDays(35)), 80);
        await().atMost(TIMEOUT).until(() -> countOf(ws, "p4", key) == 1);
        order(ws, "p4", now.minus(Duration.ofDays(20)), 10);
        order(ws, "p4", now.minus(Duration.ofDays(10)), 51);
        soon().until(() -> members(segment), m -> m.equals(List.of("p1", "p2", "p4")));
        assertThat(countOf(ws, "p3", key)).as("only events older than the window").isZero();
    }

    @Test
    void shouldApplyEveryCountOpInSegmentsAndPreviewAlike() {
        identify(ws, "a0", "a1", "a2", "a3");
        Instant at = Instant.now().minusSeconds(60);
        for (int i = 1; i <= 3; i++) {
            for (int n = 0; n < i; n++) {
                order(ws, "a" + i, at.minusSeconds(n), 1);
            }
        }
        client.awaitKnown("a0", "a1", "a2", "a3");
        String[][] cases = {
                {"{\"op\": \"eq\", \"value\": 2}", "a2"},
                {"{\"op\": \"neq\", \"value\": 2}", "a0,a1,a3"},
                {"{\"op\": \"gt\", \"value\": 1}", "a2,a3"},
                {"{\"op\": \"gte\", \"value\": 1}", "a1,a2,a3"},
                {"{\"op\": \"lt\", \"value\": 2}", "a0,a1"},
                {"{\"op\": \"lte\", \"value\": 0}", "a0"},
                {"{\"op\": \"between\", \"value\": [1, 2]}", "a1,a2"}};
        List<String> segments = new ArrayList<>();
        for (String[] c : cases) {
            segments.add(client.createSegment("count " + segments.size(), "{\"event\": \"Order Completed\", \"count\": " + c[0] + "}"));
        }
        for (int i = 0; i < cases.length; i++) {
            client.awaitReady(segments.get(i));
            await().atMost(TIMEOUT).until(() -> countOf(ws, "a3", hiddenTraitOf(ws, ORDER)) == 3);
            List<String> expected = List.of(cases[i][1].split(","));
            String segment = segments.get(i);
            soon().until(() -> members(segment), m -> m.equals(expected));
            JsonNode preview = body(api.post("/v1/segments/preview", client.readToken(), "{\"condition\": "
                    + "{\"event\": \"Order Completed\", \"count\": " + cases[i][0] + "}}"), 200);
            assertThat(preview.path("sample").valueStream().map(JsonNode::asString).toList()).as(cases[i][0])
                    .isEqualTo(expected);
        }
        assertThat(body(profileApi.get("/v1/computed-traits?hidden=true", profileToken(ws)), 200).path("items"))
                .as("one hidden trait for the seven count tests").hasSize(1);
    }

    @Test
    void shouldLeaveAWithinWindowOnTimeWithoutANewEvent() {
        identify(ws, "w1");
        client.awaitKnown("w1");
        String segment = client.createSegment("Viewed pricing just now",
                "{\"event\": \"Viewed Pricing\", \"within\": \"PT5S\"}");
        client.awaitReady(segment);

        Instant sent = Instant.now();
        track(ws, "w1", "Viewed Pricing", sent, "{}");
        soon().until(() -> members(segment), m -> m.equals(List.of("w1")));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> members(segment).isEmpty());
        assertThat(Duration.between(sent, Instant.now())).as("left after the window, not before")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void shouldCountOnlyEventsBetweenTheBounds() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        identify(ws, "b1", "b2", "b3");
        track(ws, "b1", "Webinar Joined", now.minus(Duration.ofHours(2)), "{}");
        track(ws, "b2", "Webinar Joined", now.minus(Duration.ofMinutes(30)), "{}");
        track(ws, "b3", "Webinar Joined", now.minus(Duration.ofHours(1)), "{}");
        client.awaitKnown("b1", "b2", "b3");
        String segment = client.createSegment("Joined in the hour", ("{\"event\": \"Webinar Joined\", \"between\": "
                + "[\"%s\", \"%s\"]}").formatted(now.minus(Duration.ofHours(1)), now.minus(Duration.ofMinutes(10))));
        client.awaitReady(segment);
        soon().until(() -> members(segment), m -> m.equals(List.of("b2", "b3")));
        track(ws, "b1", "Webinar Joined", now.minus(Duration.ofMinutes(5)), "{}");
        track(ws, "b1", "Webinar Joined", now.minus(Duration.ofMinutes(61)), "{}");
        String key = hiddenTraitOf(ws, "Webinar Joined");
        track(ws, "b1", "Webinar Joined", now.minus(Duration.ofMinutes(20)), "{}");
        soon().until(() -> members(segment), m -> m.equals(List.of("b1", "b2", "b3")));
        assertThat(countOf(ws, "b1", key)).as("only the event at -20 min is inside").isEqualTo(1);
    }

    @Test
    void shouldCreateOneHiddenTraitPerEventFactsAndDeleteItWithTheLastSegmentUsingIt() {
        String first = client.createSegment("one", "{\"event\": \"Signed Up\", \"count\": {\"op\": \"gte\", \"value\": 1}}");
        String second = client.createSegment("two", "{\"not\": {\"event\": \"Signed Up\"}}");
        String key = hiddenTraitOf(ws, "Signed Up");
        client.awaitReady(first);
        client.awaitReady(second);
        assertThat(body(profileApi.get("/v1/computed-traits?hidden=true", profileToken(ws)), 200).path("items"))
                .hasSize(1);

        assertThat(api.delete("/v1/segments/" + first, client.writeToken()).statusCode()).isEqualTo(204);
        assertThat(profileApi.get("/v1/computed-traits/" + key, profileToken(ws)).statusCode())
                .as("still used by the second").isEqualTo(200);

        // PUT to other event facts: the old trait goes, a new one comes
        JsonNode changed = body(api.put("/v1/segments/" + second, client.writeToken(), "{\"name\": \"two\", "
                + "\"condition\": {\"event\": \"Signed Up\", \"within\": \"P7D\"}}"), 200);
        assertThat(changed.path("status").asString()).isEqualTo("building");
        await().atMost(TIMEOUT).until(() -> profileApi.get("/v1/computed-traits/" + key, profileToken(ws))
                .statusCode() == 404);
        String windowed = hiddenTraitOf(ws, "Signed Up");
        assertThat(windowed).isNotEqualTo(key);
        client.awaitReady(second);

        assertThat(api.delete("/v1/segments/" + second, client.writeToken()).statusCode()).isEqualTo(204);
        await().atMost(TIMEOUT).until(() -> profileApi.get("/v1/computed-traits/" + windowed, profileToken(ws))
                .statusCode() == 404);
        assertThat(body(profileApi.get("/v1/computed-traits?hidden=true", profileToken(ws)), 200).path("items")).isEmpty();
    }

    @Test
    void shouldKeepWorkspacesApartWithTheSameEventName() {
        String other = Workspaces.fresh();
        identify(ws, "same");
        identify(other, "same");
        order(ws, "same", Instant.now().minusSeconds(30), 100);
        client.awaitKnown("same");
        String mine = client.createSegment("mine", "{\"event\": \"Order Completed\"}");
        SegmentationDriver theirs = new SegmentationDriver(infrastructure, other, port);
        try {
            String theirSegment = theirs.createSegment("theirs", "{\"event\": \"Order Completed\"}");
            client.awaitReady(mine);
            theirs.awaitReady(theirSegment);
            soon().until(() -> members(mine), m -> m.equals(List.of("same")));
            assertThat(membersOf(theirs, theirSegment)).isEmpty();
            order(other, "same", Instant.now().minusSeconds(1), 5);
            soon().until(() -> membersOf(theirs, theirSegment), m -> m.equals(List.of("same")));
            assertThat(countOf(ws, "same", hiddenTraitOf(ws, ORDER))).isEqualTo(1);
            assertProblem(api.get("/v1/segments/" + theirSegment, client.readToken()), 404, "segment_not_found");
        } finally {
            theirs.close();
        }
    }

    @Test
    void shouldCountTheEventsOfBothProfilesAfterAMerge() {
        identify(ws, "m1", "m2");
        order(ws, "m1", Instant.now().minusSeconds(120), 10);
        order(ws, "m2", Instant.now().minusSeconds(60), 10);
        client.awaitKnown("m1", "m2");
        String segment = client.createSegment("Ordered twice", "{\"event\": \"Order Completed\", \"count\": "
                + "{\"op\": \"gte\", \"value\": 2}}");
        client.awaitReady(segment);
        String key = hiddenTraitOf(ws, ORDER);
        await().atMost(TIMEOUT).until(() -> countOf(ws, "m2", key) == 1);
        assertThat(members(segment)).isEmpty();

        events.send(new ProfilesMerged(UUID.randomUUID(), ws, Instant.now(), "m1", List.of("m2"),
                List.of(new Identifier(IdentifierTypes.USER_ID, "u-m1")), UUID.randomUUID(), IdentifierTypes.USER_ID));
        soon().until(() -> members(segment), m -> m.equals(List.of("m1")));
        assertThat(countOf(ws, "m1", key)).isEqualTo(2);
    }

    @Test
    void shouldRefuseMalformedEventNodesAndAnswerAPreviewOfAnUncomputedNodeWithItsState() {
        String writer = client.writeToken();
        String[][] cases = {
                {"{\"and\": [{\"trait\": \"plan\", \"op\": \"exists\"}, {\"event\": \"\"}]}", "/condition/and/1/event"},
                {"{\"event\": \"E\", \"within\": \"P1M\"}", "/condition/within"},
                {"{\"event\": \"E\", \"between\": [\"2026-12-01T00:00:00Z\", \"2026-11-01T00:00:00Z\"]}",
                        "/condition/between/1"},
                {"{\"event\": \"E\", \"count\": {\"op\": \"contains\", \"value\": 1}}", "/condition/count/op"},
                {"{\"event\": \"E\", \"where\": [{\"property\": \"total\", \"op\": \"gt\"}]}", "/condition/where/0/value"}};
        for (String[] c : cases) {
            JsonNode problem = assertProblem(api.post("/v1/segments", writer, "{\"name\": \"x\", \"condition\": " + c[0]
                    + "}"), 400, "invalid_condition");
            assertThat(problem.path("errors").get(0).path("pointer").asString()).as(c[0]).isEqualTo(c[1]);
        }
        JsonNode nulName = assertProblem(api.post("/v1/segments", writer,
                "{\"name\": \"a\\u0000b\", \"condition\": {\"event\": \"E\"}}"), 400, "validation_failed");
        assertThat(nulName.toString()).contains("U+0000");
        assertThat(body(api.get("/v1/segments", writer), 200).path("items")).isEmpty();
        assertThat(body(profileApi.get("/v1/computed-traits?hidden=true", profileToken(ws)), 200).path("items"))
                .as("refused conditions create no hidden trait").isEmpty();

        JsonNode pending = assertProblem(api.post("/v1/segments/preview", writer,
                "{\"condition\": {\"not\": {\"event\": \"Never Used\"}}}"), 409, "event_traits_not_ready");
        JsonNode state = pending.path("eventTraits").get(0);
        assertThat(state.path("pointer").asString()).isEqualTo("/condition/not");
        assertThat(state.path("status").asString()).isEqualTo("missing");
        assertThat(state.path("key").asString()).startsWith("_seg_");
    }

    private List<String> members(String segmentId) {
        return membersOf(client, segmentId);
    }

    private static List<String> membersOf(SegmentationDriver driver, String segmentId) {
        return body(driver.api().get("/v1/segments/" + segmentId + "/members", driver.readToken()), 200).path("items")
                .valueStream().map(m -> m.path("profileId").asString()).sorted().toList();
    }

    /** The key of the one hidden trait of {@code event} in the workspace (the newest when several). */
    private String hiddenTraitOf(String workspaceId, String event) {
        return body(profileApi.get("/v1/computed-traits?hidden=true", profileToken(workspaceId)), 200).path("items")
                .valueStream().filter(t -> t.path("event").asString().equals(event))
                .max(java.util.Comparator.comparing(t -> t.path("createdAt").asString()))
                .map(t -> t.path("key").asString()).orElseThrow();
    }

    /** The profile's value of a computed trait in profile-service (0 without one). */
    private long countOf(String workspaceId, String profileId, String key) {
        var response = profileApi.get("/v1/profiles/" + profileId, profileToken(workspaceId));
        return response.statusCode() == 200 ? json(response).path("computedTraits").path(key).asLong(0) : 0;
    }

    private String profileToken(String workspaceId) {
        return infrastructure.token(workspaceId, Scopes.PROFILES_READ);
    }

    /** An identify with a trait, so segmentation knows the profile whether it ever orders or not. */
    private void identify(String workspaceId, String... profileIds) {
        for (String profileId : profileIds) {
            send(workspaceId, profileId, EventType.identify, null, Instant.now().minusSeconds(3600), null,
                    "{\"plan\": \"free\"}");
        }
    }

    private void order(String workspaceId, String profileId, Instant at, int total) {
        track(workspaceId, profileId, ORDER, at, "{\"total\": " + total + "}");
    }

    private void track(String workspaceId, String profileId, String name, Instant at, String properties) {
        send(workspaceId, profileId, EventType.track, name, at, properties, null);
    }

    /** An event as identity-service publishes it (EventResolved on the resolved events topic). */
    private void send(String workspaceId, String profileId, EventType type, String name, Instant at, String properties,
                      String traits) {
        String messageId = UUID.randomUUID().toString();
        SegmentEvent event = new SegmentEvent(type, messageId, "user-" + profileId, null, name, null, null, null, null,
                at, at, at, at, object("{}"), properties == null ? null : object(properties),
                traits == null ? null : object(traits), null);
        events.send(new EventResolved(UUID.randomUUID(), workspaceId, profileId, "src_web", at, at, event));
    }

    private static ObjectNode object(String json) {
        return (ObjectNode) MessageCodec.mapper().readTree(json);
    }
}
