package org.opencdp.segmentation.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.segmentation.segment.SegmentationClient.TIMEOUT;
import static org.opencdp.segmentation.segment.SegmentationClient.assertProblem;
import static org.opencdp.segmentation.segment.SegmentationClient.json;
import static org.opencdp.segmentation.segment.SegmentationClient.memberships;
import static org.opencdp.segmentation.segment.SegmentationClient.newWorkspace;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.MembershipChanged.Transition;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.kafka.KafkaConfiguration;
import org.opencdp.segmentation.SegmentationServiceApplication;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Segment definitions, their build, real-time membership and the Segments API, on real Kafka and PostgreSQL. */
@CdpIntegrationTest
@SpringBootTest(classes = SegmentationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=segmentation-service", "cdp.segmentation.build.batch-size=2",
                "cdp.segmentation.build.poll-interval=100ms"})
class SegmentsIT {

    private static final String PRO = "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}";

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String ws = newWorkspace();

    @LocalServerPort
    int port;

    private SegmentationClient client;
    private TopicReader topic;

    @BeforeEach
    void connect() {
        client = new SegmentationClient(infrastructure, port);
        topic = infrastructure.read(Topics.MEMBERSHIPS);
    }

    @AfterEach
    void disconnect() {
        topic.close();
        client.close();
    }

    @Test
    void shouldBuildANewSegmentOverExistingProfilesAndPublishAnEntryPerMatch() {
        client.changeProfile(ws, "p1", "{\"plan\": \"pro\"}");
        client.changeProfile(ws, "p2", "{\"plan\": \"pro\", \"age\": 40}");
        client.changeProfile(ws, "p3", "{\"plan\": \"free\"}");
        client.changeProfile(ws, "p4", "{\"email\": \"x@example.com\"}");
        client.changeProfile(ws, "p5", "{\"plan\": \"pro\"}");
        client.awaitKnown(ws, "p1", "p2", "p3", "p4", "p5");

        var created = client.post("/v1/segments", client.writer(ws), "{\"name\": \"Pro users\", \"condition\": " + PRO + "}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode segment = json(created.body());
        assertThat(segment.path("status").asString()).isEqualTo("building");
        assertThat(segment.path("size").asLong()).isZero();
        assertThat(segment.path("name").asString()).isEqualTo("Pro users");
        assertThat(segment.path("condition")).isEqualTo(json(PRO));
        assertThat(segment.path("createdAt").asString()).isNotBlank().isEqualTo(segment.path("updatedAt").asString());
        String id = segment.path("id").asString();

        JsonNode ready = client.awaitReady(ws, id);
        assertThat(ready.path("size").asLong()).isEqualTo(3);

        List<MembershipChanged> entered = memberships(topic.await(of(id), 3, TIMEOUT));
        assertThat(entered).extracting(MembershipChanged::profileId).containsExactlyInAnyOrder("p1", "p2", "p5");
        assertThat(entered).allSatisfy(m -> {
            assertThat(m.transition()).isEqualTo(Transition.entered);
            assertThat(m.version()).isEqualTo(1);
            assertThat(m.key()).isEqualTo(Topics.key(ws, m.profileId()));
        });
        JsonNode list = json(client.get("/v1/segments", client.reader(ws)).body());
        assertThat(list.path("items")).hasSize(1);
        assertThat(list.path("items").get(0).path("size").asLong()).isEqualTo(3);
        assertThat(list.path("items").get(0).path("status").asString()).isEqualTo("ready");
    }

    @Test
    void shouldEnterAndExitASegmentAsTheProfileChangesWithIncreasingVersions() {
        String id = client.createSegment(ws, "Pro", PRO);
        client.awaitReady(ws, id);

        client.changeProfile(ws, "p1", "{\"plan\": \"pro\", \"name\": \"Ada\"}");
        assertLast(id, "p1", Transition.entered, 1);
        JsonNode profile = json(client.get("/v1/profiles/p1/segments", client.reader(ws)).body());
        assertThat(profile.path("profileId").asString()).isEqualTo("p1");
        assertThat(profile.path("segments")).hasSize(1);
        assertThat(profile.path("segments").get(0).path("segmentId").asString()).isEqualTo(id);
        assertThat(profile.path("segments").get(0).path("name").asString()).isEqualTo("Pro");
        assertThat(profile.path("segments").get(0).path("since").asString()).isNotBlank();

        client.changeProfile(ws, "p1", "{\"plan\": \"free\"}");
        assertLast(id, "p1", Transition.exited, 2);

        client.changeProfile(ws, "p1", "{\"plan\": \"pro\"}");
        assertLast(id, "p1", Transition.entered, 3);

        client.changeProfile(ws, "p1", "{\"plan\": null}");   // a JSON null removes the trait
        assertLast(id, "p1", Transition.exited, 4);
        assertThat(json(client.get("/v1/profiles/p1/segments", client.reader(ws)).body()).path("segments")).isEmpty();
        assertThat(json(client.get("/v1/segments/" + id, client.reader(ws)).body()).path("size").asLong()).isZero();
    }

    @Test
    void shouldNotPublishTwiceWhenAProfileChangeIsRedelivered() {
        String pro = client.createSegment(ws, "Pro", PRO);
        String aged = client.createSegment(ws, "Aged", "{\"trait\": \"age\", \"op\": \"exists\"}");
        client.awaitReady(ws, pro);
        client.awaitReady(ws, aged);

        String entering = client.changeProfile(ws, "p1", "{\"plan\": \"pro\"}");
        client.changeProfile(ws, "p1", "{\"plan\": \"free\"}");
        client.send(Topics.key(ws, "p1"), entering);               // the first message, delivered again
        client.changeProfile(ws, "p1", "{\"age\": 5}");           // same partition: processed after it

        topic.await(of(aged), 1, TIMEOUT);
        List<MembershipChanged> changes = memberships(topic.drain(of(pro), Duration.ZERO));
        assertThat(changes).extracting(m -> m.transition() + " v" + m.version())
                .containsExactly("entered v1", "exited v2");
        JsonNode profile = json(client.get("/v1/profiles/p1/segments", client.reader(ws)).body());
        assertThat(profile.path("segments").valueStream().map(s -> s.path("segmentId").asString()).toList())
                .containsExactly(aged);
    }

    @Test
    void shouldRebuildOnPutWithExitsForLeaversAndEntriesForNewMatches() {
        client.changeProfile(ws, "a", "{\"plan\": \"pro\", \"age\": 30}");
        client.changeProfile(ws, "b", "{\"plan\": \"pro\", \"age\": 20}");
        client.changeProfile(ws, "c", "{\"plan\": \"free\", \"age\": \"40\"}");
        client.awaitKnown(ws, "a", "b", "c");
        String id = client.createSegment(ws, "Pro", PRO);
        client.awaitReady(ws, id);
        topic.await(of(id), 2, TIMEOUT);

        var renamed = client.put("/v1/segments/" + id, client.writer(ws), "{\"name\": \"Paying\", \"condition\": " + PRO + "}");
        assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(200);
        assertThat(json(renamed.body()).path("status").asString()).isEqualTo("ready");
        assertThat(json(renamed.body()).path("name").asString()).isEqualTo("Paying");

        String adults = "{\"trait\": \"age\", \"op\": \"gte\", \"value\": 25}";
        var redefined = client.put("/v1/segments/" + id, client.writer(ws), "{\"name\": \"Adults\", \"condition\": " + adults + "}");
        assertThat(redefined.statusCode()).as(redefined.body()).isEqualTo(200);
        assertThat(json(redefined.body()).path("status").asString()).isEqualTo("building");
        assertThat(json(redefined.body()).path("condition")).isEqualTo(json(adults));

        assertThat(client.awaitReady(ws, id).path("size").asLong()).isEqualTo(2);
        List<MembershipChanged> changes = memberships(topic.await(of(id), 4, TIMEOUT));
        assertThat(changes).extracting(m -> m.profileId() + " " + m.transition() + " v" + m.version())
                .containsExactlyInAnyOrder("a entered v1", "b entered v1", "b exited v2", "c entered v1");
        assertThat(memberIds(id)).containsExactly("a", "c");
    }

    @Test
    void shouldExitEveryMemberWhenASegmentIsDeleted() {
        client.changeProfile(ws, "p1", "{\"plan\": \"pro\"}");
        client.changeProfile(ws, "p2", "{\"plan\": \"pro\"}");
        client.awaitKnown(ws, "p1", "p2");
        String id = client.createSegment(ws, "Pro", PRO);
        client.awaitReady(ws, id);
        topic.await(of(id), 2, TIMEOUT);

        assertThat(client.delete("/v1/segments/" + id, client.writer(ws)).statusCode()).isEqualTo(204);

        List<MembershipChanged> exits = memberships(topic.await(of(id).and(exited()), 2, TIMEOUT));
        assertThat(exits).extracting(MembershipChanged::profileId).containsExactlyInAnyOrder("p1", "p2");
        assertThat(exits).extracting(MembershipChanged::version).containsOnly(2L);
        assertProblem(client.get("/v1/segments/" + id, client.reader(ws)), 404, "segment_not_found");
        assertProblem(client.delete("/v1/segments/" + id, client.writer(ws)), 404, "segment_not_found");
        assertThat(json(client.get("/v1/profiles/p1/segments", client.reader(ws)).body()).path("segments")).isEmpty();
    }

    @Test
    void shouldPreviewSizeAndSampleWithoutStoringAnything() {
        List<String> ids = IntStream.rangeClosed(1, 12).mapToObj(i -> "p%02d".formatted(i)).toList();
        ids.forEach(p -> client.changeProfile(ws, p, p.equals("p05") ? "{\"plan\": \"free\"}" : "{\"plan\": \"pro\"}"));
        client.awaitKnown(ws, ids.toArray(String[]::new));

        var preview = client.post("/v1/segments/preview", client.reader(ws), "{\"condition\": " + PRO + "}");

        assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
        JsonNode body = json(preview.body());
        assertThat(body.path("size").asLong()).isEqualTo(11);
        assertThat(body.path("sample").valueStream().map(JsonNode::asString).toList())
                .containsExactly("p01", "p02", "p03", "p04", "p06", "p07", "p08", "p09", "p10", "p11");
        assertThat(json(client.get("/v1/segments", client.reader(ws)).body()).path("items")).isEmpty();
        assertThat(topic.drain(inWorkspace(), Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void shouldPageThroughMembersWithAKeysetCursor() {
        List<String> ids = List.of("m1", "m2", "m3", "m4", "m5");
        ids.forEach(p -> client.changeProfile(ws, p, "{\"plan\": \"pro\"}"));
        client.awaitKnown(ws, ids.toArray(String[]::new));
        String id = client.createSegment(ws, "Pro", PRO);
        client.awaitReady(ws, id);

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = json(client.get("/v1/segments/" + id + "/members?limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor), client.reader(ws)).body());
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
        assertProblem(client.get(members + "?cursor=not-a-cursor", client.reader(ws)), 400, "invalid_cursor");
        assertProblem(client.get(members + "?limit=0", client.reader(ws)), 400, "validation_failed");
        assertProblem(client.get(members + "?limit=1001", client.reader(ws)), 400, "validation_failed");
        assertProblem(client.get(members + "?limit=many", client.reader(ws)), 400, "invalid_parameter");
    }

    @Test
    void shouldRefuseInvalidAndUnsupportedConditionsWithTheirPath() {
        String writer = client.writer(ws);
        JsonNode unknownOp = assertProblem(client.post("/v1/segments", writer, """
                {"name": "x", "condition": {"and": [{"trait": "plan", "op": "equals", "value": "pro"}]}}"""),
                400, "invalid_condition");
        assertThat(unknownOp.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition/and/0/op");
        assertThat(unknownOp.path("detail").asString()).contains("Unknown operator 'equals'");

        JsonNode missingValue = assertProblem(client.post("/v1/segments", writer,
                "{\"name\": \"x\", \"condition\": {\"trait\": \"age\", \"op\": \"gt\"}}"), 400, "invalid_condition");
        assertThat(missingValue.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition/value");

        JsonNode event = assertProblem(client.post("/v1/segments", writer, """
                {"name": "x", "condition": {"and": [%s, {"event": "Order Completed", "count": {"op": "gte", "value": 3}}]}}"""
                .formatted(PRO)), 400, "unsupported_condition");
        assertThat(event.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition/and/1");
        assertThat(event.path("detail").asString()).contains("not supported yet");

        JsonNode preview = assertProblem(client.post("/v1/segments/preview", writer,
                "{\"condition\": {\"trait\": \"plan\", \"op\": \"in\", \"value\": \"pro\"}}"), 400, "invalid_condition");
        assertThat(preview.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition/value");

        String id = client.createSegment(ws, "Pro", PRO);
        JsonNode put = assertProblem(client.put("/v1/segments/" + id, writer,
                "{\"name\": \"x\", \"condition\": {\"or\": []}}"), 400, "invalid_condition");
        assertThat(put.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition/or");
        assertProblem(client.post("/v1/segments", writer, "{\"name\": \"\", \"condition\": " + PRO + "}"), 400,
                "validation_failed");
        assertProblem(client.post("/v1/segments", writer, "{\"name\": \"x\"}"), 400, "validation_failed");
        assertProblem(client.post("/v1/segments", writer, "{\"name\": "), 400, "malformed_body");
        assertThat(json(client.get("/v1/segments/" + id, writer).body()).path("name").asString()).isEqualTo("Pro");
        assertThat(json(client.get("/v1/segments", writer).body()).path("items")).hasSize(1);
    }

    @Test
    void shouldHideOtherWorkspacesAndRequireScopes() {
        client.changeProfile(ws, "p1", "{\"plan\": \"pro\"}");
        client.awaitKnown(ws, "p1");
        String id = client.createSegment(ws, "Pro", PRO);
        String other = client.writer(newWorkspace());

        assertProblem(client.get("/v1/segments/" + id, other), 404, "segment_not_found");
        assertProblem(client.get("/v1/segments/" + id + "/members", other), 404, "segment_not_found");
        assertProblem(client.put("/v1/segments/" + id, other, "{\"name\": \"x\", \"condition\": " + PRO + "}"), 404,
                "segment_not_found");
        assertProblem(client.delete("/v1/segments/" + id, other), 404, "segment_not_found");
        assertProblem(client.get("/v1/profiles/p1/segments", other), 404, "profile_not_found");
        assertThat(json(client.get("/v1/segments", other).body()).path("items")).isEmpty();
        assertThat(json(client.post("/v1/segments/preview", other, "{\"condition\": " + PRO + "}").body())
                .path("size").asLong()).isZero();
        assertProblem(client.get("/v1/segments/no-such-segment", client.reader(ws)), 404, "segment_not_found");

        assertProblem(client.post("/v1/segments", client.reader(ws), "{\"name\": \"x\", \"condition\": " + PRO + "}"),
                403, "missing_scope");
        assertProblem(client.delete("/v1/segments/" + id, client.reader(ws)), 403, "missing_scope");
        String profilesOnly = infrastructure.token(ws, "profiles:read");
        assertProblem(client.get("/v1/segments/" + id, profilesOnly), 403, "missing_scope");
        assertProblem(client.post("/v1/segments/preview", profilesOnly, "{\"condition\": " + PRO + "}"), 403,
                "missing_scope");
        assertProblem(client.get("/v1/segments", null), 401, "missing_token");
        assertThat(client.get("/v1/segments/" + id, client.reader(ws)).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldKeepMembershipsRightWhenProfilesChangeWhileASegmentIsBuilding() {
        List<String> ids = IntStream.range(0, 24).mapToObj(i -> "r%02d".formatted(i)).toList();
        ids.forEach(p -> client.changeProfile(ws, p, "{\"plan\": \"free\"}"));
        client.awaitKnown(ws, ids.toArray(String[]::new));

        String id = client.createSegment(ws, "Pro", PRO);
        List<String> upgraded = ids.stream().filter(p -> Integer.parseInt(p.substring(1)) % 2 == 0).toList();
        upgraded.forEach(p -> client.changeProfile(ws, p, "{\"plan\": \"pro\"}"));

        await().atMost(TIMEOUT).until(() -> memberIds(id), members -> members.equals(upgraded));
        assertThat(client.awaitReady(ws, id).path("size").asLong()).isEqualTo(12);
        topic.await(of(id), 12, TIMEOUT);
        List<MembershipChanged> changes = memberships(topic.drain(of(id), Duration.ofSeconds(1)));
        assertThat(changes).extracting(MembershipChanged::profileId).containsExactlyInAnyOrderElementsOf(upgraded);
        assertThat(changes).allSatisfy(m -> assertThat(m.transition() + " v" + m.version()).isEqualTo("entered v1"));
    }

    @Test
    void shouldDeadLetterProfileChangesThatCanNeverBeApplied() {
        try (TopicReader deadLetters = infrastructure.read(Topics.deadLetters("segmentation"))) {
            client.send(Topics.key(ws, "nobody"), "{\"id\": \"8d7e3c2a-0000-4000-8000-000000000001\", \"workspaceId\": \""
                    + ws + "\", \"occurredAt\": \"2024-01-01T00:00:00Z\", \"traits\": {\"plan\": \"pro\"}}");
            client.changeProfile(ws, "nul", "{\"name\": \"a\\u0000b\"}");
            client.changeProfile(ws, "fine", "{\"plan\": \"pro\"}");

            var records = deadLetters.await(r -> r.key().startsWith(ws + ":"), 2, TIMEOUT);
            assertThat(records).extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrder(Topics.key(ws, "nobody"), Topics.key(ws, "nul"));
            assertThat(records).allSatisfy(r -> assertThat(header(r, KafkaConfiguration.DLT_REASON)).isEqualTo("permanent"));
            client.awaitKnown(ws, "fine");
            assertProblem(client.get("/v1/profiles/nul/segments", client.reader(ws)), 404, "profile_not_found");
        }
    }

    private void assertLast(String segmentId, String profileId, Transition transition, long version) {
        List<MembershipChanged> changes = memberships(topic.await(of(segmentId), (int) version, TIMEOUT));
        assertThat(changes).hasSize((int) version);
        MembershipChanged last = changes.getLast();
        assertThat(last.profileId()).isEqualTo(profileId);
        assertThat(last.transition()).isEqualTo(transition);
        assertThat(last.version()).isEqualTo(version);
    }

    private List<String> memberIds(String segmentId) {
        JsonNode page = json(client.get("/v1/segments/" + segmentId + "/members?limit=1000", client.reader(ws)).body());
        return page.path("items").valueStream().map(item -> item.path("profileId").asString()).toList();
    }

    private Predicate<ConsumerRecord<String, String>> inWorkspace() {
        return r -> r.key() != null && r.key().startsWith(ws + ":");
    }

    private Predicate<ConsumerRecord<String, String>> of(String segmentId) {
        return inWorkspace().and(r -> MessageCodec.read(r.value(), MembershipChanged.class).segmentId().equals(segmentId));
    }

    private static Predicate<ConsumerRecord<String, String>> exited() {
        return r -> MessageCodec.read(r.value(), MembershipChanged.class).transition() == Transition.exited;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return StreamSupport.stream(record.headers().headers(name).spliterator(), false).findFirst()
                .map(h -> new String(h.value(), StandardCharsets.UTF_8)).orElse(null);
    }
}
