package org.opencdp.segmentation.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.segmentation.segment.SegmentationDriver.TIMEOUT;
import static org.opencdp.segmentation.segment.SegmentationDriver.header;
import static org.opencdp.segmentation.segment.SegmentationDriver.memberships;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.json;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.MembershipChanged.Transition;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.kafka.KafkaConfiguration;
import org.opencdp.kit.security.Scopes;
import org.opencdp.segmentation.SegmentationServiceApplication;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** Segment definitions, their build, real-time membership and the Segments API, on real Kafka and PostgreSQL. */
@CdpIntegrationTest
@SpringBootTest(classes = SegmentationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=segmentation-service", "cdp.segmentation.build.batch-size=2",
                "cdp.segmentation.build.poll-interval=100ms"})
class SegmentsIT {

    private static final String PRO = "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}";

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String ws = Workspaces.fresh();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private SegmentationDriver client;
    private ApiClient api;
    private TopicReader topic;

    @BeforeEach
    void connect() {
        client = new SegmentationDriver(infrastructure, ws, port);
        api = client.api();
        topic = infrastructure.read(Topics.MEMBERSHIPS);
    }

    @AfterEach
    void disconnect() {
        topic.close();
        client.close();
    }

    @Test
    void shouldBuildANewSegmentOverExistingProfilesAndPublishAnEntryPerMatch() {
        client.changeProfile("p1", "{\"plan\": \"pro\"}");
        client.changeProfile("p2", "{\"plan\": \"pro\", \"age\": 40}");
        client.changeProfile("p3", "{\"plan\": \"free\"}");
        client.changeProfile("p4", "{\"email\": \"x@example.com\"}");
        client.changeProfile("p5", "{\"plan\": \"pro\"}");
        client.awaitKnown("p1", "p2", "p3", "p4", "p5");

        var created = api.post("/v1/segments", client.writeToken(), "{\"name\": \"Pro users\", \"condition\": " + PRO + "}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode segment = json(created);
        assertThat(segment.path("status").asString()).isEqualTo("building");
        assertThat(segment.path("size").asLong()).isZero();
        assertThat(segment.path("name").asString()).isEqualTo("Pro users");
        assertThat(segment.path("condition")).isEqualTo(MessageCodec.mapper().readTree(PRO));
        assertThat(segment.path("createdAt").asString()).isNotBlank().isEqualTo(segment.path("updatedAt").asString());
        String id = segment.path("id").asString();

        JsonNode ready = client.awaitReady(id);
        assertThat(ready.path("size").asLong()).isEqualTo(3);

        List<MembershipChanged> entered = memberships(topic.await(client.of(id), 3, TIMEOUT));
        assertThat(entered).extracting(MembershipChanged::profileId).containsExactlyInAnyOrder("p1", "p2", "p5");
        assertThat(entered).allSatisfy(m -> {
            assertThat(m.transition()).isEqualTo(Transition.entered);
            assertThat(m.version()).isEqualTo(1);
            assertThat(m.key()).isEqualTo(Topics.key(ws, m.profileId()));
        });
        JsonNode list = json(api.get("/v1/segments", client.readToken()));
        assertThat(list.path("items")).hasSize(1);
        assertThat(list.path("items").get(0).path("size").asLong()).isEqualTo(3);
        assertThat(list.path("items").get(0).path("status").asString()).isEqualTo("ready");
    }

    @Test
    void shouldEnterAndExitASegmentAsTheProfileChangesWithIncreasingVersions() {
        String id = client.createSegment("Pro", PRO);
        client.awaitReady(id);

        client.changeProfile("p1", "{\"plan\": \"pro\", \"name\": \"Ada\"}");
        assertLast(id, "p1", Transition.entered, 1);
        JsonNode profile = json(api.get("/v1/profiles/p1/segments", client.readToken()));
        assertThat(profile.path("profileId").asString()).isEqualTo("p1");
        assertThat(profile.path("segments")).hasSize(1);
        assertThat(profile.path("segments").get(0).path("segmentId").asString()).isEqualTo(id);
        assertThat(profile.path("segments").get(0).path("name").asString()).isEqualTo("Pro");
        assertThat(profile.path("segments").get(0).path("since").asString()).isNotBlank();

        client.changeProfile("p1", "{\"plan\": \"free\"}");
        assertLast(id, "p1", Transition.exited, 2);

        client.changeProfile("p1", "{\"plan\": \"pro\"}");
        assertLast(id, "p1", Transition.entered, 3);

        client.changeProfile("p1", "{\"plan\": null}");   // a JSON null removes the trait
        assertLast(id, "p1", Transition.exited, 4);
        assertThat(json(api.get("/v1/profiles/p1/segments", client.readToken())).path("segments")).isEmpty();
        assertThat(json(api.get("/v1/segments/" + id, client.readToken())).path("size").asLong()).isZero();
    }

    @Test
    void shouldNotPublishTwiceWhenAProfileChangeIsRedelivered() {
        String pro = client.createSegment("Pro", PRO);
        String aged = client.createSegment("Aged", "{\"trait\": \"age\", \"op\": \"exists\"}");
        client.awaitReady(pro);
        client.awaitReady(aged);

        String entering = client.changeProfile("p1", "{\"plan\": \"pro\"}");
        client.changeProfile("p1", "{\"plan\": \"free\"}");
        client.send("p1", entering);               // the first message, delivered again
        client.changeProfile("p1", "{\"age\": 5}");           // same partition: processed after it

        topic.await(client.of(aged), 1, TIMEOUT);
        List<MembershipChanged> changes = memberships(topic.drain(client.of(pro), Duration.ZERO));
        assertThat(changes).extracting(m -> m.transition() + " v" + m.version())
                .containsExactly("entered v1", "exited v2");
        JsonNode profile = json(api.get("/v1/profiles/p1/segments", client.readToken()));
        assertThat(profile.path("segments").valueStream().map(s -> s.path("segmentId").asString()).toList())
                .containsExactly(aged);
    }

    @Test
    void shouldRebuildOnPutWithExitsForLeaversAndEntriesForNewMatches() {
        client.changeProfile("a", "{\"plan\": \"pro\", \"age\": 30}");
        client.changeProfile("b", "{\"plan\": \"pro\", \"age\": 20}");
        client.changeProfile("c", "{\"plan\": \"free\", \"age\": \"40\"}");
        client.awaitKnown("a", "b", "c");
        String id = client.createSegment("Pro", PRO);
        client.awaitReady(id);
        topic.await(client.of(id), 2, TIMEOUT);

        var renamed = api.put("/v1/segments/" + id, client.writeToken(), "{\"name\": \"Paying\", \"condition\": " + PRO + "}");
        assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(200);
        assertThat(json(renamed).path("status").asString()).isEqualTo("ready");
        assertThat(json(renamed).path("name").asString()).isEqualTo("Paying");

        String adults = "{\"trait\": \"age\", \"op\": \"gte\", \"value\": 25}";
        var redefined = api.put("/v1/segments/" + id, client.writeToken(), "{\"name\": \"Adults\", \"condition\": " + adults + "}");
        assertThat(redefined.statusCode()).as(redefined.body()).isEqualTo(200);
        assertThat(json(redefined).path("status").asString()).isEqualTo("building");
        assertThat(json(redefined).path("condition")).isEqualTo(MessageCodec.mapper().readTree(adults));

        assertThat(client.awaitReady(id).path("size").asLong()).isEqualTo(2);
        List<MembershipChanged> changes = memberships(topic.await(client.of(id), 4, TIMEOUT));
        assertThat(changes).extracting(m -> m.profileId() + " " + m.transition() + " v" + m.version())
                .containsExactlyInAnyOrder("a entered v1", "b entered v1", "b exited v2", "c entered v1");
        assertThat(memberIds(id)).containsExactly("a", "c");
    }

    @Test
    void shouldExitEveryMemberWhenASegmentIsDeleted() {
        client.changeProfile("p1", "{\"plan\": \"pro\"}");
        client.changeProfile("p2", "{\"plan\": \"pro\"}");
        client.awaitKnown("p1", "p2");
        String id = client.createSegment("Pro", PRO);
        client.awaitReady(id);
        topic.await(client.of(id), 2, TIMEOUT);

        assertThat(api.delete("/v1/segments/" + id, client.writeToken()).statusCode()).isEqualTo(204);

        List<MembershipChanged> exits = memberships(topic.await(client.of(id).and(exited()), 2, TIMEOUT));
        assertThat(exits).extracting(MembershipChanged::profileId).containsExactlyInAnyOrder("p1", "p2");
        assertThat(exits).extracting(MembershipChanged::version).containsOnly(2L);
        assertProblem(api.get("/v1/segments/" + id, client.readToken()), 404, "segment_not_found");
        assertProblem(api.delete("/v1/segments/" + id, client.writeToken()), 404, "segment_not_found");
        assertThat(json(api.get("/v1/profiles/p1/segments", client.readToken())).path("segments")).isEmpty();
    }

    @Test
    void shouldPreviewSizeAndSampleWithoutStoringAnything() {
        List<String> ids = IntStream.rangeClosed(1, 12).mapToObj(i -> "p%02d".formatted(i)).toList();
        ids.forEach(p -> client.changeProfile(p, p.equals("p05") ? "{\"plan\": \"free\"}" : "{\"plan\": \"pro\"}"));
        client.awaitKnown(ids.toArray(String[]::new));

        var preview = api.post("/v1/segments/preview", client.readToken(), "{\"condition\": " + PRO + "}");

        assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
        JsonNode body = json(preview);
        assertThat(body.path("size").asLong()).isEqualTo(11);
        assertThat(body.path("sample").valueStream().map(JsonNode::asString).toList())
                .containsExactly("p01", "p02", "p03", "p04", "p06", "p07", "p08", "p09", "p10", "p11");
        assertThat(json(api.get("/v1/segments", client.readToken())).path("items")).isEmpty();
        assertThat(published(client.inWorkspace())).isEmpty();
    }

    @Test
    void shouldPageThroughMembersWithAKeysetCursor() {
        List<String> ids = List.of("m1", "m2", "m3", "m4", "m5");
        ids.forEach(p -> client.changeProfile(p, "{\"plan\": \"pro\"}"));
        client.awaitKnown(ids.toArray(String[]::new));
        String id = client.createSegment("Pro", PRO);
        client.awaitReady(id);

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = json(api.get("/v1/segments/" + id + "/members?limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor), client.readToken()));
            page.path("items").forEach(item -> {
                seen.add(item.path("profileId").asString());
                assertThat(item.path("since").asString()).isNotBlank();
            });
            pageSizes.add(page.path("items").size());
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asString();
        } while (cursor != null);

        assertThat(seen).containsExactlyElementsOf(ids);
        assertThat(pageSizes).containsExactly(2, 2, 1);
        String members = "/v1/segments/" + id + "/members";
        assertProblem(api.get(members + "?cursor=not-a-cursor", client.readToken()), 400, "invalid_cursor");
        assertProblem(api.get(members + "?limit=0", client.readToken()), 400, "validation_failed");
        assertProblem(api.get(members + "?limit=1001", client.readToken()), 400, "validation_failed");
        assertProblem(api.get(members + "?limit=many", client.readToken()), 400, "invalid_parameter");
    }

    @Test
    void shouldRefuseInvalidAndUnsupportedConditionsWithTheirPath() {
        String writer = client.writeToken();
        JsonNode unknownOp = assertProblem(api.post("/v1/segments", writer, """
                {"name": "x", "condition": {"and": [{"trait": "plan", "op": "equals", "value": "pro"}]}}"""),
                400, "invalid_condition");
        assertThat(unknownOp.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition/and/0/op");
        assertThat(unknownOp.path("detail").asString()).contains("Unknown operator 'equals'");

        JsonNode missingValue = assertProblem(api.post("/v1/segments", writer,
                "{\"name\": \"x\", \"condition\": {\"trait\": \"age\", \"op\": \"gt\"}}"), 400, "invalid_condition");
        assertThat(missingValue.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition/value");

        JsonNode event = assertProblem(api.post("/v1/segments", writer, """
                {"name": "x", "condition": {"and": [%s, {"event": "Order Completed", "count": {"op": "gte", "value": -3}}]}}"""
                .formatted(PRO)), 400, "invalid_condition");
        assertThat(event.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition/and/1/count/value");

        JsonNode preview = assertProblem(api.post("/v1/segments/preview", writer,
                "{\"condition\": {\"trait\": \"plan\", \"op\": \"in\", \"value\": \"pro\"}}"), 400, "invalid_condition");
        assertThat(preview.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition/value");

        // Neither storable (jsonb refuses U+0000) nor writable as SQL (Infinity): 400 with the pointer, not 500.
        JsonNode nul = assertProblem(api.post("/v1/segments", writer, """
                {"name": "x", "condition": {"or": [{"segment": "s\\u0000"}]}}"""), 400, "invalid_condition");
        assertThat(nul.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition/or/0/segment");
        JsonNode nulValue = assertProblem(api.post("/v1/segments/preview", writer,
                "{\"condition\": {\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"p\\u0000\"}}"), 400,
                "invalid_condition");
        assertThat(nulValue.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition/value");
        JsonNode infinite = assertProblem(api.post("/v1/segments/preview", writer,
                "{\"condition\": {\"trait\": \"age\", \"op\": \"gt\", \"value\": 1e999999}}"), 400,
                "invalid_condition");
        assertThat(infinite.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition/value");

        String id = client.createSegment("Pro", PRO);
        JsonNode put = assertProblem(api.put("/v1/segments/" + id, writer,
                "{\"name\": \"x\", \"condition\": {\"or\": []}}"), 400, "invalid_condition");
        assertThat(put.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition/or");
        assertProblem(api.post("/v1/segments", writer, "{\"name\": \"\", \"condition\": " + PRO + "}"), 400,
                "validation_failed");
        assertProblem(api.post("/v1/segments", writer, "{\"name\": \"x\"}"), 400, "validation_failed");
        assertProblem(api.post("/v1/segments", writer, "{\"name\": "), 400, "malformed_body");
        assertThat(json(api.get("/v1/segments/" + id, writer)).path("name").asString()).isEqualTo("Pro");
        assertThat(json(api.get("/v1/segments", writer)).path("items")).hasSize(1);
    }

    @Test
    void shouldHideOtherWorkspacesAndRequireScopes() {
        client.changeProfile("p1", "{\"plan\": \"pro\"}");
        client.awaitKnown("p1");
        String id = client.createSegment("Pro", PRO);
        String other = infrastructure.token(Workspaces.fresh(), Scopes.SEGMENTS_WRITE);

        assertProblem(api.get("/v1/segments/" + id, other), 404, "segment_not_found");
        assertProblem(api.get("/v1/segments/" + id + "/members", other), 404, "segment_not_found");
        assertProblem(api.put("/v1/segments/" + id, other, "{\"name\": \"x\", \"condition\": " + PRO + "}"), 404,
                "segment_not_found");
        assertProblem(api.delete("/v1/segments/" + id, other), 404, "segment_not_found");
        assertProblem(api.get("/v1/profiles/p1/segments", other), 404, "profile_not_found");
        assertThat(json(api.get("/v1/segments", other)).path("items")).isEmpty();
        assertThat(json(api.post("/v1/segments/preview", other, "{\"condition\": " + PRO + "}"))
                .path("size").asLong()).isZero();
        assertProblem(api.get("/v1/segments/no-such-segment", client.readToken()), 404, "segment_not_found");

        assertProblem(api.post("/v1/segments", client.readToken(), "{\"name\": \"x\", \"condition\": " + PRO + "}"),
                403, "missing_scope");
        assertProblem(api.delete("/v1/segments/" + id, client.readToken()), 403, "missing_scope");
        String profilesOnly = infrastructure.token(ws, "profiles:read");
        assertProblem(api.get("/v1/segments/" + id, profilesOnly), 403, "missing_scope");
        assertProblem(api.post("/v1/segments/preview", profilesOnly, "{\"condition\": " + PRO + "}"), 403,
                "missing_scope");
        assertProblem(api.get("/v1/segments", null), 401, "missing_token");
        assertThat(api.get("/v1/segments/" + id, client.readToken()).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldKeepMembershipsRightWhenProfilesChangeWhileASegmentIsBuilding() {
        List<String> ids = IntStream.range(0, 24).mapToObj(i -> "r%02d".formatted(i)).toList();
        ids.forEach(p -> client.changeProfile(p, "{\"plan\": \"free\"}"));
        client.awaitKnown(ids.toArray(String[]::new));

        String id = client.createSegment("Pro", PRO);
        List<String> upgraded = ids.stream().filter(p -> Integer.parseInt(p.substring(1)) % 2 == 0).toList();
        upgraded.forEach(p -> client.changeProfile(p, "{\"plan\": \"pro\"}"));

        await().atMost(TIMEOUT).until(() -> memberIds(id), members -> members.equals(upgraded));
        assertThat(client.awaitReady(id).path("size").asLong()).isEqualTo(12);
        topic.await(client.of(id), 12, TIMEOUT);
        List<MembershipChanged> changes = memberships(published(client.of(id)));
        assertThat(changes).extracting(MembershipChanged::profileId).containsExactlyInAnyOrderElementsOf(upgraded);
        assertThat(changes).allSatisfy(m -> assertThat(m.transition() + " v" + m.version()).isEqualTo("entered v1"));
    }

    @Test
    void shouldDeadLetterProfileChangesThatCanNeverBeApplied() {
        try (TopicReader deadLetters = infrastructure.read(Topics.deadLetters("segmentation"))) {
            client.send("nobody", "{\"id\": \"8d7e3c2a-0000-4000-8000-000000000001\", \"workspaceId\": \""
                    + ws + "\", \"occurredAt\": \"2024-01-01T00:00:00Z\", \"traits\": {\"plan\": \"pro\"}}");
            client.changeProfile("nul", "{\"name\": \"a\\u0000b\"}");
            client.changeProfile("fine", "{\"plan\": \"pro\"}");

            var records = deadLetters.await(r -> r.key().startsWith(ws + ":"), 2, TIMEOUT);
            assertThat(records).extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrder(Topics.key(ws, "nobody"), Topics.key(ws, "nul"));
            assertThat(records).allSatisfy(r -> assertThat(header(r, KafkaConfiguration.DLT_REASON)).isEqualTo("permanent"));
            client.awaitKnown("fine");
            assertProblem(api.get("/v1/profiles/nul/segments", client.readToken()), 404, "profile_not_found");
        }
    }

    private void assertLast(String segmentId, String profileId, Transition transition, long version) {
        List<MembershipChanged> changes = memberships(topic.await(client.of(segmentId), (int) version, TIMEOUT));
        assertThat(changes).hasSize((int) version);
        MembershipChanged last = changes.getLast();
        assertThat(last.profileId()).isEqualTo(profileId);
        assertThat(last.transition()).isEqualTo(transition);
        assertThat(last.version()).isEqualTo(version);
    }

    private List<String> memberIds(String segmentId) {
        JsonNode page = json(api.get("/v1/segments/" + segmentId + "/members?limit=1000", client.readToken()));
        return page.path("items").valueStream().map(item -> item.path("profileId").asString()).toList();
    }

    private static Predicate<ConsumerRecord<String, String>> exited() {
        return r -> MessageCodec.read(r.value(), MembershipChanged.class).transition() == Transition.exited;
    }

    /** What segmentation published once it applied every record this test sent: nothing can come later. */
    private List<ConsumerRecord<String, String>> published(Predicate<ConsumerRecord<String, String>> filter) {
        return new Published(infrastructure, jdbc).applied("segmentation-profiles", client.sent())
                .read(Topics.MEMBERSHIPS, filter);
    }
}
