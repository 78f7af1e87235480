package org.opencdp.segmentation.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;
import static org.opencdp.segmentation.segment.SegmentationDriver.TIMEOUT;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.json;

import java.time.Duration;
import java.time.Instant;
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
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.contracts.PrivacyCommandAcknowledged.Outcome;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.contracts.PrivacyCommandIssued.Command;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.contracts.Topics;
import org.opencdp.segmentation.SegmentationServiceApplication;
import org.opencdp.segmentation.segment.Published;
import org.opencdp.segmentation.segment.SegmentationDriver;
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
 * Issue 12: segmentation carries out the privacy commands consent-service issues and acknowledges
 * each on {@code cdp.privacy.acks.v1} ({@code service = "segmentation"}), on real Kafka and
 * PostgreSQL. A person here is "jane" with "jane-old" merged into her (the command names only
 * "jane"), a current membership (Pro) and a former one (Free); "john" shares the workspace, and
 * another workspace holds a person with the very same ids.
 */
@CdpIntegrationTest
@SpringBootTest(classes = SegmentationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=segmentation-service", "cdp.segmentation.build.poll-interval=100ms"})
class PrivacyCommandsIT {

    private static final String PRO = "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}";
    private static final String FREE = "{\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"free\"}";

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PrivacyRepository privacy;

    private TopicWriter writer;
    private TopicReader acks;
    private TopicReader memberships;

    @BeforeEach
    void connect() {
        writer = infrastructure.writer();
        acks = infrastructure.read(Topics.PRIVACY_ACKS);
        memberships = infrastructure.read(Topics.MEMBERSHIPS);
    }

    @AfterEach
    void disconnect() {
        memberships.close();
        acks.close();
        writer.close();
    }

    /** A workspace holding jane (merged with jane-old) and john, and its two segments. */
    private record Fixture(String workspaceId, SegmentationDriver client, String pro, String free) {
    }

    private Fixture fixture(String workspaceId, String city) {
        SegmentationDriver client = new SegmentationDriver(infrastructure, workspaceId, port);
        String pro = client.createSegment("Pro", PRO);
        String free = client.createSegment("Free", FREE);
        client.awaitReady(pro);
        client.awaitReady(free);
        change(client, "jane", Map.of("plan", "\"free\"", "email", "\"jane@example.com\"", "city", city), Map.of());
        change(client, "jane-old", Map.of("plan", "\"pro\""), Map.of());
        change(client, "john", Map.of("plan", "\"pro\""), Map.of());
        await().atMost(TIMEOUT).until(() -> members(client, pro).equals(List.of("jane-old", "john")));
        writer.send(new ProfilesMerged(UUID.randomUUID(), workspaceId, Instant.now(), "jane", List.of("jane-old"),
                List.of(), UUID.randomUUID(), "email"));
        change(client, "jane", Map.of("plan", "\"pro\""), Map.of("lifetime_value", "120"));
        await().atMost(TIMEOUT).until(() -> members(client, pro).equals(List.of("jane", "john"))
                && members(client, free).isEmpty());
        return new Fixture(workspaceId, client, pro, free);
    }

    /** The profile's next change in the driver's workspace, numbered by {@link SegmentationDriver#nextVersion}. */
    private RecordMetadata change(SegmentationDriver client, String profileId, Map<String, String> traits,
                                  Map<String, String> computedTraits) {
        return writer.send(client.nextChange(profileId, nodes(traits), nodes(computedTraits)));
    }

    private static Map<String, JsonNode> nodes(Map<String, String> values) {
        Map<String, JsonNode> nodes = new HashMap<>();
        values.forEach((key, value) -> nodes.put(key, MessageCodec.mapper().readTree(value)));
        return nodes;
    }

    private static List<String> members(SegmentationDriver client, String segmentId) {
        return json(client.api().get("/v1/segments/" + segmentId + "/members?limit=1000", client.readToken()))
                .path("items").valueStream().map(item -> item.path("profileId").asString()).toList();
    }

    private static PrivacyCommandIssued command(String workspaceId, UUID requestId, Command command,
                                                String... profileIds) {
        return new PrivacyCommandIssued(UUID.randomUUID(), workspaceId, Instant.now(), requestId, command,
                List.of(profileIds), List.of(), false);
    }

    /** Segmentation's acknowledgements of the request, once at least {@code count} arrived. */
    private List<PrivacyCommandAcknowledged> acknowledgements(String workspaceId, UUID requestId, int count) {
        Predicate<ConsumerRecord<String, String>> mine = r -> Topics.key(workspaceId, requestId.toString()).equals(r.key())
                && "segmentation".equals(MessageCodec.read(r.value(), PrivacyCommandAcknowledged.class).service());
        List<PrivacyCommandAcknowledged> found = acks.await(mine, count, TIMEOUT).stream()
                .map(r -> MessageCodec.read(r.value(), PrivacyCommandAcknowledged.class)).toList();
        assertThat(found).as("acknowledgements of " + requestId).hasSizeGreaterThanOrEqualTo(count);
        return found;
    }

    private PrivacyCommandAcknowledged carryOut(PrivacyCommandIssued command) {
        writer.send(command);
        return acknowledgements(command.workspaceId(), command.requestId(), 1).getFirst();
    }

    /**
     * Every MembershipChanged of the workspace segmentation published once it applied the records
     * {@code sent} to each of its consumers (consumer name → records) and emptied its outbox: none can
     * come later.
     */
    private List<MembershipChanged> membershipsPublished(String workspaceId, Map<String, List<RecordMetadata>> sent) {
        Published published = new Published(infrastructure, jdbc);
        sent.forEach(published::applied);
        return SegmentationDriver.memberships(published.read(Topics.MEMBERSHIPS,
                r -> r.key() != null && r.key().startsWith(workspaceId + ":")));
    }

    private long rows(String sql, Object... arguments) {
        Long count = jdbc.queryForObject(sql, Long.class, arguments);
        return count == null ? 0 : count;
    }

    /** Rows of any of segmentation's per-profile tables that hold one of {@code profileIds} in the workspace. */
    private long heldOn(String workspaceId, String... profileIds) {
        return rows("SELECT count(*) FROM profile_traits WHERE workspace_id = ? AND profile_id = ANY (?)",
                workspaceId, profileIds)
                + rows("SELECT count(*) FROM memberships WHERE workspace_id = ? AND profile_id = ANY (?)",
                workspaceId, profileIds)
                + rows("SELECT count(*) FROM merged_profiles WHERE workspace_id = ?"
                + " AND (profile_id = ANY (?) OR survivor_id = ANY (?))", workspaceId, profileIds, profileIds);
    }

    private List<String> erased(String workspaceId) {
        return jdbc.queryForList("SELECT profile_id FROM erased_profiles WHERE workspace_id = ? ORDER BY profile_id",
                String.class, workspaceId);
    }

    @Test
    void shouldEraseThePersonPublishAnExitPerMembershipAndNeverLetALateMessageBringThemBack() {
        Fixture mine = fixture(Workspaces.fresh(), "\"Lyon\"");
        Fixture theirs = fixture(Workspaces.fresh(), "\"Oslo\"");
        UUID requestId = UUID.randomUUID();

        PrivacyCommandAcknowledged ack = carryOut(command(mine.workspaceId(), requestId, Command.ERASE, "jane"));

        assertThat(ack.service()).isEqualTo("segmentation");
        assertThat(ack.outcome()).isEqualTo(Outcome.DONE);
        assertThat(ack.export()).isNull();
        assertThat(ack.detail()).startsWith("Erased the traits of 1 profile(s), 2 membership record(s) (an exit"
                + " published for each of the 1 current one(s)) and 1 merge record(s). 2 profile id(s) are remembered"
                + " as erased for 45 day(s)");
        assertThat(heldOn(mine.workspaceId(), "jane", "jane-old")).isZero();
        assertThat(erased(mine.workspaceId())).containsExactly("jane", "jane-old");
        assertProblem(mine.client().api().get("/v1/profiles/jane/segments", mine.client().readToken()), 404,
                "profile_not_found");
        assertThat(members(mine.client(), mine.pro())).containsExactly("john");
        assertThat(mine.client().previewSize("{\"trait\": \"email\", \"op\": \"exists\"}")).isZero();
        // one exit, the membership's next version, for the one segment she was in; none for the one she had left
        assertThat(memberships.await(mine.client().of(mine.pro()).and(r -> r.value().contains("exited")), 2, TIMEOUT))
                .extracting(r -> MessageCodec.read(r.value(), MembershipChanged.class))
                .extracting(MembershipChanged::profileId, MembershipChanged::version)
                .containsExactlyInAnyOrder(tuple("jane-old", 2L), tuple("jane", 2L));

        // the same ids in another workspace are another person: untouched
        assertThat(members(theirs.client(), theirs.pro())).containsExactly("jane", "john");
        assertThat(heldOn(theirs.workspaceId(), "jane", "jane-old")).isEqualTo(1 + 2 + 1);
        assertThat(erased(theirs.workspaceId())).isEmpty();

        // profile-service's last change of her, a replay, a change of the merged-away id, identity's merge again
        change(mine.client(), "jane", Map.of("plan", "null", "email", "null"), Map.of());
        change(mine.client(), "jane", Map.of("plan", "\"pro\""), Map.of());
        RecordMetadata lastChange = change(mine.client(), "jane-old", Map.of("plan", "\"free\""), Map.of());
        RecordMetadata merge = writer.send(new ProfilesMerged(UUID.randomUUID(), mine.workspaceId(), Instant.now(),
                "jane", List.of("jane-old"), List.of(), UUID.randomUUID(), "email"));
        List<MembershipChanged> published = membershipsPublished(mine.workspaceId(),
                Map.of("segmentation-profiles", List.of(lastChange), "segmentation-merges", List.of(merge)));

        assertThat(heldOn(mine.workspaceId(), "jane", "jane-old")).isZero();
        assertThat(members(mine.client(), mine.pro())).containsExactly("john");
        assertThat(members(mine.client(), mine.free())).isEmpty();
        assertProblem(mine.client().api().get("/v1/profiles/jane/segments", mine.client().readToken()), 404,
                "profile_not_found");
        // nothing entered again: her messages are the fixture's and the erase's exit
        assertThat(published).filteredOn(m -> m.profileId().startsWith("jane"))
                .extracting(MembershipChanged::profileId, MembershipChanged::segmentId, MembershipChanged::transition,
                        MembershipChanged::version)
                .containsExactlyInAnyOrder(tuple("jane", mine.free(), Transition.entered, 1L),
                        tuple("jane", mine.free(), Transition.exited, 2L),
                        tuple("jane", mine.pro(), Transition.entered, 1L),
                        tuple("jane", mine.pro(), Transition.exited, 2L),
                        tuple("jane-old", mine.pro(), Transition.entered, 1L),
                        tuple("jane-old", mine.pro(), Transition.exited, 2L));
    }

    @Test
    void shouldExportMembershipsTraitsAndMergesOfThePersonOnlyAndChangeNothing() {
        Fixture mine = fixture(Workspaces.fresh(), "\"Lyon\"");
        fixture(Workspaces.fresh(), "\"Oslo\"");
        Instant since = Instant.parse(json(mine.client().api().get("/v1/profiles/jane/segments",
                mine.client().readToken())).path("segments").get(0).path("since").asString());

        PrivacyCommandAcknowledged ack = carryOut(command(mine.workspaceId(), UUID.randomUUID(), Command.EXPORT,
                "jane"));

        assertThat(ack.service()).isEqualTo("segmentation");
        assertThat(ack.outcome()).isEqualTo(Outcome.DONE);
        assertThat(ack.detail()).isEqualTo("Exported 1 membership(s), 1 profile(s) of traits, 1 merge record(s) and"
                + " 1 former membership(s).");
        JsonNode export = ack.export();
        assertThat(export.path("profileIds").valueStream().map(JsonNode::asString)).containsExactly("jane", "jane-old");
        assertThat(export.path("memberships")).singleElement().satisfies(m -> {
            assertThat(m.path("profileId").asString()).isEqualTo("jane");
            assertThat(m.path("segmentId").asString()).isEqualTo(mine.pro());
            assertThat(m.path("name").asString()).isEqualTo("Pro");
            assertThat(Instant.parse(m.path("since").asString())).isEqualTo(since);
        });
        assertThat(export.path("profiles")).singleElement().satisfies(p -> {
            assertThat(p.path("profileId").asString()).isEqualTo("jane");
            assertThat(p.path("traits").path("plan").asString()).isEqualTo("pro");
            assertThat(p.path("traits").path("email").asString()).isEqualTo("jane@example.com");
            assertThat(p.path("traits").path("city").asString()).isEqualTo("Lyon");
            assertThat(p.path("computedTraits").path("lifetime_value").asInt()).isEqualTo(120);
            assertThat(p.path("complete").asBoolean()).isTrue();
        });
        assertThat(export.path("merges")).singleElement().satisfies(m -> {
            assertThat(m.path("profileId").asString()).isEqualTo("jane-old");
            assertThat(m.path("survivorId").asString()).isEqualTo("jane");
        });
        assertThat(export.path("formerMemberships")).singleElement().satisfies(m -> {
            assertThat(m.path("segmentId").asString()).isEqualTo(mine.free());
            assertThat(m.path("name").asString()).isEqualTo("Free");
        });
        assertThat(export.path("truncated").asBoolean()).isFalse();
        assertThat(export.path("maxBytes").asInt()).isEqualTo(800_000);
        assertThat(export.toString()).doesNotContain("Oslo");
        // an export changes nothing
        assertThat(members(mine.client(), mine.pro())).containsExactly("jane", "john");
        assertThat(heldOn(mine.workspaceId(), "jane", "jane-old")).isEqualTo(1 + 2 + 1);
        assertThat(erased(mine.workspaceId())).isEmpty();
    }

    @Test
    void shouldApplyARedeliveredCommandOnceAndAnswerTheSameRequestAgainWithNothingLeft() {
        Fixture mine = fixture(Workspaces.fresh(), "\"Lyon\"");
        UUID requestId = UUID.randomUUID();
        PrivacyCommandIssued erase = command(mine.workspaceId(), requestId, Command.ERASE, "jane", "jane-old");

        writer.send(erase);
        writer.send(erase); // the relay published it twice: the same message id
        writer.send(command(mine.workspaceId(), requestId, Command.ERASE, "jane", "jane-old")); // issued again

        // the three records share the request's key and partition: once the second answer is here, a third would be too
        List<PrivacyCommandAcknowledged> answers = acknowledgements(mine.workspaceId(), requestId, 2);
        assertThat(answers).hasSize(2);
        assertThat(answers.get(0).detail()).startsWith("Erased the traits of 1 profile(s), 2 membership record(s)");
        assertThat(answers.get(1).detail()).startsWith("segmentation holds nothing on this person (nothing left to"
                + " erase). 2 profile id(s) are remembered as erased");
        assertThat(answers).extracting(PrivacyCommandAcknowledged::outcome).containsOnly(Outcome.DONE);
        assertThat(memberships.await(mine.client().of(mine.pro()).and(r -> r.value().contains("exited")), 2, TIMEOUT))
                .hasSize(2);
        assertThat(membershipsPublished(mine.workspaceId(), Map.of())).filteredOn(m -> m.profileId().equals("jane")
                && m.transition() == Transition.exited).hasSize(2); // Free when she left it, Pro when erased
        assertThat(erased(mine.workspaceId())).containsExactly("jane", "jane-old");
        assertThat(members(mine.client(), mine.pro())).containsExactly("john");
    }

    @Test
    void shouldAnswerFailedForACommandItCannotReadAndLeaveOutIdsThatCannotBeStored() {
        String workspaceId = Workspaces.fresh();
        UUID unknownType = UUID.randomUUID();
        String value = MessageCodec.toJson(command(workspaceId, unknownType, Command.ERASE, "jane"))
                .replace("\"ERASE\"", "\"FREEZE\"");
        writer.send(Topics.PRIVACY_COMMANDS, Topics.key(workspaceId, unknownType.toString()), value);
        PrivacyCommandAcknowledged failed = acknowledgements(workspaceId, unknownType, 1).getFirst();
        assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(failed.detail()).startsWith("The command cannot be read");

        PrivacyCommandAcknowledged leftOut = carryOut(command(workspaceId, UUID.randomUUID(), Command.ERASE, " ",
                "a\u0000b"));
        assertThat(leftOut.outcome()).isEqualTo(Outcome.DONE);
        assertThat(leftOut.detail()).isEqualTo("The command names no profile: nothing to erase. 2 profile id(s) of"
                + " the command were left out: blank or with a NUL character.");

        // without a request id there is nothing to answer: a dead letter
        String noRequest = MessageCodec.toJson(command(workspaceId, UUID.randomUUID(), Command.ERASE, "jane"))
                .replaceAll("\"requestId\":\"[^\"]+\",?", "");
        writer.send(Topics.PRIVACY_COMMANDS, Topics.key(workspaceId, "none"), noRequest);
        try (TopicReader deadLetters = infrastructure.read("cdp.segmentation.dead-letters.v1")) {
            assertThat(deadLetters.await(r -> Topics.key(workspaceId, "none").equals(r.key()), 1, TIMEOUT))
                    .singleElement().satisfies(r -> assertThat(TopicReader.header(r, "cdp_dlt_reason"))
                            .isEqualTo("permanent"));
        }
        assertThat(erased(workspaceId)).isEmpty();
    }

    @Test
    void shouldForgetErasedIdsOnlyAfterTheRetention() {
        String workspaceId = Workspaces.fresh();
        jdbc.update("""
                INSERT INTO erased_profiles (workspace_id, profile_id, request_id, erased_at) VALUES
                    (?, 'long-ago', gen_random_uuid(), now() - interval '46 days'),
                    (?, 'recent', gen_random_uuid(), now() - interval '44 days')""", workspaceId, workspaceId);

        // this test class has its own database: no other workspace holds an expired id
        assertThat(privacy.pruneErased(Duration.ofDays(45), ErasedProfilePruner.BATCH_SIZE)).isEqualTo(1);

        assertThat(erased(workspaceId)).containsExactly("recent");
    }
}
