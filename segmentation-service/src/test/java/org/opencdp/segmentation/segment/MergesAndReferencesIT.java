package org.opencdp.segmentation.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.segmentation.segment.SegmentationDriver.TIMEOUT;
import static org.opencdp.segmentation.segment.SegmentationDriver.memberships;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;
import static org.opencdp.testsupport.ApiClient.json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.MembershipChanged.Transition;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.contracts.Topics;
import org.opencdp.segmentation.SegmentationServiceApplication;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicReader;
import org.opencdp.testsupport.TopicWriter;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Issue 11 (and 15): merges, the ordering guard on profile changes, computed-trait and segment
 * nodes, references between segments, and the build's progress, on real Kafka and PostgreSQL.
 */
@CdpIntegrationTest
@SpringBootTest(classes = SegmentationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=segmentation-service", "cdp.segmentation.build.batch-size=2",
                "cdp.segmentation.build.poll-interval=100ms"})
class MergesAndReferencesIT {

    private static final String PRO = "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}";
    private static final String NO_EMAIL = "{\"trait\": \"email\", \"op\": \"not_exists\"}";

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String ws = Workspaces.fresh();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private final List<RecordMetadata> changesSent = new ArrayList<>();
    private final List<RecordMetadata> mergesSent = new ArrayList<>();

    private SegmentationDriver client;
    private ApiClient api;
    private TopicReader topic;
    private TopicWriter writer;

    @BeforeEach
    void connect() {
        client = new SegmentationDriver(infrastructure, ws, port);
        api = client.api();
        topic = infrastructure.read(Topics.MEMBERSHIPS);
        writer = infrastructure.writer();
    }

    @AfterEach
    void disconnect() {
        writer.close();
        topic.close();
        client.close();
    }

    @Test
    void shouldExitEverySegmentOfAMergedAwayProfileAndNeverLetItComeBackAsAGhost() {
        String pro = client.createSegment("Pro", PRO);
        String noEmail = client.createSegment("No e-mail", NO_EMAIL);
        client.awaitReady(pro);
        client.awaitReady(noEmail);
        client.changeProfile("survivor", "{\"plan\": \"pro\", \"email\": \"a@example.com\"}");
        client.changeProfile("merged", "{\"plan\": \"pro\", \"email\": \"b@example.com\"}");
        topic.await(client.of(pro), 2, TIMEOUT);

        merge(ws, "survivor", "merged");

        List<MembershipChanged> exits = memberships(topic.await(client.of(pro).and(r -> r.value().contains("exited")), 1,
                TIMEOUT));
        assertThat(exits).singleElement().satisfies(exit -> {
            assertThat(exit.profileId()).isEqualTo("merged");
            assertThat(exit.transition()).isEqualTo(Transition.exited);
            assertThat(exit.version()).isEqualTo(2);
        });
        await().atMost(TIMEOUT).until(() -> api.get("/v1/profiles/merged/segments", client.readToken()).statusCode() == 404);
        // profile-service then publishes the merged-away profile with every key removed; a replay may follow
        change("merged", "{\"plan\": null, \"email\": null}");
        changeAt("merged", 1, Instant.now(), "{\"plan\": \"pro\"}");
        client.changeProfile("marker", "{\"email\": \"m@example.com\"}");
        client.awaitKnown("survivor", "marker");
        assertProblem(api.get("/v1/profiles/merged/segments", client.readToken()), 404, "profile_not_found");
        assertThat(memberIds(noEmail)).isEmpty();
        assertThat(memberIds(pro)).containsExactly("survivor");
        assertThat(client.segmentsOf("survivor")).containsExactly(pro);
        assertThat(client.previewSize(NO_EMAIL)).isZero();
        assertThat(memberships(published(client.of(pro)))).hasSize(3);
    }

    @Test
    void shouldReEvaluateTheSurvivorAndKeepOtherWorkspacesUntouched() {
        String other = Workspaces.fresh();
        SegmentationDriver otherClient = new SegmentationDriver(infrastructure, other, port);
        try {
            String mine = client.createSegment("Pro", PRO);
            String theirs = otherClient.createSegment("Pro", PRO);
            client.awaitReady(mine);
            otherClient.awaitReady(theirs);
            otherClient.changeProfile("a", "{\"plan\": \"pro\"}");
            otherClient.changeProfile("b", "{\"plan\": \"pro\"}");
            client.changeProfile("a", "{\"plan\": \"free\"}");
            client.changeProfile("b", "{\"plan\": \"pro\"}");
            topic.await(otherClient.of(theirs), 2, TIMEOUT);
            topic.await(client.of(mine), 1, TIMEOUT);

            merge(ws, "a", "b");
            merge(ws, "a", "b"); // identity re-published it: changes nothing more

            await().atMost(TIMEOUT).until(() -> memberIds(mine).isEmpty());
            client.changeProfile("a", "{\"plan\": \"pro\"}"); // profile-service's fold of b into a
            await().atMost(TIMEOUT).until(() -> memberIds(mine).equals(List.of("a")));
            assertThat(otherClient.segmentsOf("b")).containsExactly(theirs);
            assertThat(body(otherClient.api().get("/v1/segments/" + theirs + "/members", otherClient.readToken()), 200)
                    .path("items")).hasSize(2);
            // a and b are keys of different partitions: their messages in the order they happened
            assertThat(memberships(published(client.of(mine))).stream()
                    .sorted(Comparator.comparing(MembershipChanged::occurredAt)).toList())
                    .extracting(MembershipChanged::profileId, MembershipChanged::transition)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("b", Transition.entered),
                            org.assertj.core.groups.Tuple.tuple("b", Transition.exited),
                            org.assertj.core.groups.Tuple.tuple("a", Transition.entered));
        } finally {
            otherClient.close();
        }
    }

    /**
     * Issue 15: versions count per profile (profile-service's counter of each), so a merge must carry
     * none of the merged-away profile's into the survivor: the survivor's next change, numbered far
     * below the merged-away profile's, still sets the plan both had, and the survivor's row keeps its
     * own versions only (and no stamp: those serve changes from before versions alone).
     */
    @Test
    void shouldKeepTheSurvivorsOwnVersionsWhenAProfileWithHigherVersionsIsMergedIntoIt() {
        String pro = client.createSegment("Pro", PRO);
        client.awaitReady(pro);
        changeAt("survivor", 1, Instant.now(), "{\"plan\": \"free\"}");
        changeAt("merged", 7, Instant.now(), "{\"plan\": \"pro\", \"city\": \"Lyon\"}");
        topic.await(client.of(pro), 1, TIMEOUT);
        client.awaitKnown("survivor", "merged");

        merge(ws, "survivor", "merged");
        await().atMost(TIMEOUT).until(() -> api.get("/v1/profiles/merged/segments", client.readToken()).statusCode() == 404);
        // profile-service's fold of merged into survivor, numbered by the survivor's own counter
        changeAt("survivor", 2, Instant.now(), "{\"plan\": \"pro\", \"city\": \"Lyon\"}");

        await().atMost(TIMEOUT).until(() -> memberIds(pro).equals(List.of("survivor")));
        assertThat(MessageCodec.mapper().readTree(jdbc.queryForObject("SELECT traits_versions::text FROM profile_traits"
                + " WHERE workspace_id = ? AND profile_id = 'survivor'", String.class, ws)))
                .isEqualTo(MessageCodec.mapper().readTree("{\"plan\": 2, \"city\": 2}"));
        assertThat(jdbc.queryForObject("SELECT traits_written_at::text FROM profile_traits"
                + " WHERE workspace_id = ? AND profile_id = 'survivor'", String.class, ws)).isEqualTo("{}");
    }

    /**
     * Issue 15: a change replayed after a later one (past the inbox, with a new message id) rolls
     * nothing back: its plan is older (by version) than the stored one and is ignored, while its age
     * (last written by an older change still) is set, as profile-service holds it.
     */
    @Test
    void shouldIgnoreAnOlderProfileChangeDeliveredAfterANewerOne() {
        String pro = client.createSegment("Pro", PRO);
        client.awaitReady(pro);
        Instant t0 = Instant.now().minusSeconds(60);
        changeAt("p1", 1, t0, "{\"plan\": \"pro\", \"age\": 30}");
        changeAt("p1", 3, t0.plusSeconds(10), "{\"plan\": \"free\"}");
        topic.await(client.of(pro), 2, TIMEOUT);

        changeAt("p1", 2, t0.plusSeconds(5), "{\"plan\": \"pro\", \"age\": 31}");
        changeAt("p1", 4, t0.plusSeconds(20), "{\"city\": \"Lyon\"}");

        await().atMost(TIMEOUT).until(() -> client.previewSize(
                "{\"trait\": \"city\", \"op\": \"eq\", \"value\": \"Lyon\"}") == 1);
        assertThat(client.previewSize("{\"trait\": \"age\", \"op\": \"eq\", \"value\": 31}")).isEqualTo(1);
        assertThat(client.previewSize(PRO)).isZero();
        assertThat(memberships(published(client.of(pro)))).hasSize(2);
    }

    @Test
    void shouldFollowComputedTraitsAndSegmentMembershipWithCascades() {
        String big = client.createSegment("Big spenders", "{\"computedTrait\": \"lifetime_value\", \"op\": \"gte\", \"value\": 500}");
        String vipPro = client.createSegment("Pro big spenders", "{\"and\": [{\"segment\": \"" + big + "\"}, " + PRO + "]}");
        String small = client.createSegment("Others", "{\"not\": {\"segment\": \"" + big + "\"}}");
        client.awaitReady(big);
        client.awaitReady(vipPro);
        client.awaitReady(small);

        send("p1", Map.of("plan", "\"pro\""), Map.of("lifetime_value", "100"));
        // p1 answers 404 until its first change is stored
        await().atMost(TIMEOUT).ignoreExceptionsInstanceOf(AssertionError.class)
                .until(() -> client.segmentsOf("p1").equals(List.of(small)));
        send("p1", Map.of(), Map.of("lifetime_value", "600.5"));
        await().atMost(TIMEOUT).until(() -> memberIds(vipPro).equals(List.of("p1")));
        assertThat(memberIds(big)).containsExactly("p1");
        assertThat(memberIds(small)).isEmpty();
        send("p1", Map.of(), Map.of("lifetime_value", "null"));
        await().atMost(TIMEOUT).until(() -> memberIds(small).equals(List.of("p1")));
        assertThat(memberIds(vipPro)).isEmpty();
        assertThat(client.previewSize("{\"segment\": \"" + small + "\"}")).isEqualTo(1);
        assertThat(client.previewSize("{\"computedTrait\": \"lifetime_value\", \"op\": \"exists\"}")).isZero();

        // a new segment over a referenced one builds from its current members
        send("p2", Map.of(), Map.of("lifetime_value", "900"));
        await().atMost(TIMEOUT).until(() -> memberIds(big).equals(List.of("p2")));
        String notBig = client.createSegment("Not big", "{\"not\": {\"segment\": \"" + big + "\"}}");
        JsonNode ready = client.awaitReady(notBig);
        assertThat(ready.path("size").asLong()).isEqualTo(1);
        assertThat(ready.path("progress").path("processed").asLong()).isEqualTo(2);
        assertThat(ready.path("progress").path("total").asLong()).isEqualTo(2);
        assertThat(memberIds(notBig)).containsExactly("p1");

        // redefining the referenced segment rebuilds it, and its dependants follow
        JsonNode put = body(api.put("/v1/segments/" + big, client.writeToken(), "{\"name\": \"Big\", \"condition\": "
                + "{\"computedTrait\": \"lifetime_value\", \"op\": \"gte\", \"value\": 1000}}"), 200);
        assertThat(put.path("status").asString()).isEqualTo("building");
        assertThat(put.path("progress").path("processed").asLong()).isZero();
        assertThat(put.path("progress").path("total").asLong()).isEqualTo(2);
        client.awaitReady(big);
        await().atMost(TIMEOUT).until(() -> memberIds(notBig).equals(List.of("p1", "p2")));
        assertThat(memberIds(big)).isEmpty();
    }

    @Test
    void shouldRefuseDanglingReferencesAndCyclesAtTheNodeAndDeletingAReferencedSegment() {
        String writer = client.writeToken();
        String a = client.createSegment("A", PRO);
        String b = client.createSegment("B", "{\"or\": [" + NO_EMAIL + ", {\"segment\": \"" + a + "\"}]}");
        String c = client.createSegment("C", "{\"not\": {\"segment\": \"" + b + "\"}}");

        JsonNode dangling = assertProblem(api.post("/v1/segments", writer,
                "{\"name\": \"x\", \"condition\": {\"and\": [" + PRO + ", {\"segment\": \"nope\"}]}}"), 400,
                "invalid_condition");
        assertThat(dangling.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition/and/1");
        assertThat(dangling.path("detail").asString()).contains("No segment 'nope'");
        JsonNode danglingPreview = assertProblem(api.post("/v1/segments/preview", writer,
                "{\"condition\": {\"not\": {\"segment\": \"nope\"}}}"), 400, "invalid_condition");
        assertThat(danglingPreview.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition/not");

        JsonNode cycle = assertProblem(api.put("/v1/segments/" + a, writer,
                "{\"name\": \"A\", \"condition\": {\"and\": [" + PRO + ", {\"segment\": \"" + c + "\"}]}}"), 400,
                "invalid_condition");
        assertThat(cycle.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition/and/1");
        assertThat(cycle.path("detail").asString()).contains("cycle");
        JsonNode self = assertProblem(api.put("/v1/segments/" + a, writer,
                "{\"name\": \"A\", \"condition\": {\"segment\": \"" + a + "\"}}"), 400, "invalid_condition");
        assertThat(self.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition");

        JsonNode inUse = assertProblem(api.delete("/v1/segments/" + a, writer), 409, "segment_in_use");
        assertThat(inUse.path("referencedBy")).extracting(JsonNode::asString).containsExactly(b);
        assertProblem(api.delete("/v1/segments/" + b, writer), 409, "segment_in_use");
        assertThat(api.delete("/v1/segments/" + c, writer).statusCode()).isEqualTo(204);
        assertThat(api.delete("/v1/segments/" + b, writer).statusCode()).isEqualTo(204);
        assertThat(api.delete("/v1/segments/" + a, writer).statusCode()).isEqualTo(204);

        // another workspace's segment is as unknown as a missing one
        String theirs = new SegmentationDriver(infrastructure, Workspaces.fresh(), port).createSegment("T", PRO);
        JsonNode foreign = assertProblem(api.post("/v1/segments", writer,
                "{\"name\": \"x\", \"condition\": {\"segment\": \"" + theirs + "\"}}"), 400, "invalid_condition");
        assertThat(foreign.path("errors").get(0).path("pointer").asString()).isEqualTo("/condition");
    }

    private void merge(String workspaceId, String survivorId, String mergedId) {
        mergesSent.add(writer.send(new ProfilesMerged(UUID.randomUUID(), workspaceId, Instant.now(), survivorId,
                List.of(mergedId), List.of(), UUID.randomUUID(), "email")));
    }

    /** The profile's next change ({@link SegmentationDriver#nextVersion}), stamped now. */
    private void change(String profileId, String traitsJson) {
        changesSent.add(writer.send(client.nextChange(profileId, SegmentationDriver.traits(traitsJson), Map.of())));
    }

    /** A change with the version and time given: a test of the ordering guard's own. */
    private void changeAt(String profileId, long version, Instant at, String traitsJson) {
        changesSent.add(writer.send(new ProfileChanged(UUID.randomUUID(), ws, at, profileId,
                SegmentationDriver.traits(traitsJson), Map.of(), version)));
    }

    private void send(String profileId, Map<String, String> traits, Map<String, String> computed) {
        Map<String, JsonNode> t = new HashMap<>();
        traits.forEach((k, v) -> t.put(k, MessageCodec.mapper().readTree(v)));
        Map<String, JsonNode> c = new HashMap<>();
        computed.forEach((k, v) -> c.put(k, MessageCodec.mapper().readTree(v)));
        changesSent.add(writer.send(client.nextChange(profileId, t, c)));
    }

    private List<String> memberIds(String segmentId) {
        JsonNode page = json(api.get("/v1/segments/" + segmentId + "/members?limit=1000", client.readToken()));
        return page.path("items").valueStream().map(item -> item.path("profileId").asString()).toList();
    }

    /** What segmentation published once it applied every change and merge this test sent: nothing can come later. */
    private List<ConsumerRecord<String, String>> published(Predicate<ConsumerRecord<String, String>> filter) {
        List<RecordMetadata> changes = new ArrayList<>(changesSent);
        changes.addAll(client.sent());
        return new Published(infrastructure, jdbc).applied("segmentation-profiles", changes)
                .applied("segmentation-merges", mergesSent).read(Topics.MEMBERSHIPS, filter);
    }
}
