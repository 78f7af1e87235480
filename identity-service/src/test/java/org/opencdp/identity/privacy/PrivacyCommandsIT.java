package org.opencdp.identity.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.identity.ResolvedEvents.resolve;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.contracts.PrivacyCommandAcknowledged.Outcome;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.contracts.PrivacyCommandIssued.Command;
import org.opencdp.contracts.Topics;
import org.opencdp.identity.IdentityServiceApplication;
import org.opencdp.identity.ResolvedEvents;
import org.opencdp.identity.TestEvents;
import org.opencdp.kit.kafka.KafkaConfiguration;
import org.opencdp.kit.security.Scopes;
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
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12: identity-service carries out the privacy commands consent-service issues and
 * acknowledges each on {@code cdp.privacy.acks.v1}. Exports list at most two identifiers per profile
 * here ({@code cdp.identity.export-identifiers-per-profile}), so a person of three shows the cap.
 */
@CdpIntegrationTest
@SpringBootTest(classes = IdentityServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=identity-service", "cdp.identity.export-identifiers-per-profile=2"})
class PrivacyCommandsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    private ApiClient api;

    @BeforeEach
    void listenersOwnTheirTopics() {
        ResolvedEvents.awaitListenersAssigned(listeners, 3);
        api = ApiClient.onPort(port);
    }

    /** A person of two profiles merged by a fourth event: anon-1 alone, anon-2 alone, user + anon-1, user + anon-2. */
    private record Person(String workspaceId, String survivorId, String mergedId, String userId) {

        List<Identifier> identifiers() {
            return List.of(new Identifier("user_id", userId), new Identifier("anonymous_id", userId + "-anon-1"),
                    new Identifier("anonymous_id", userId + "-anon-2"));
        }
    }

    private Person person(String workspaceId, String userId) {
        Instant at = Instant.parse("2025-03-01T10:00:00Z");
        List<EventResolved> resolved = resolve(infrastructure,
                TestEvents.track(workspaceId, null, userId + "-anon-1", at),
                TestEvents.track(workspaceId, null, userId + "-anon-2", at.plusSeconds(60)));
        String first = resolved.get(0).profileId();
        String second = resolved.get(1).profileId();
        assertThat(first).isNotEqualTo(second);
        // the user id joins the first profile, then links the second to it: one merge into the older of the two
        resolve(infrastructure, TestEvents.track(workspaceId, userId, userId + "-anon-1", at.plusSeconds(120)));
        String survivor = resolve(infrastructure, TestEvents.track(workspaceId, userId, userId + "-anon-2",
                at.plusSeconds(180))).getFirst().profileId();
        assertThat(survivor).isIn(first, second);
        String merged = survivor.equals(first) ? second : first;
        assertThat(body(api.get("/v1/profiles/" + merged + "/identities", readToken(workspaceId)), 200)
                .path("profileId").asString()).as("merged into the survivor").isEqualTo(survivor);
        return new Person(workspaceId, survivor, merged, userId);
    }

    private String readToken(String workspaceId) {
        return infrastructure.token(workspaceId, Scopes.IDENTITY_READ);
    }

    private static PrivacyCommandIssued command(String workspaceId, Command command, List<String> profileIds,
                                                List<Identifier> identifiers) {
        return new PrivacyCommandIssued(UUID.randomUUID(), workspaceId, Instant.now(), UUID.randomUUID(), command,
                profileIds, identifiers, false);
    }

    /** Sends {@code command} and returns identity's acknowledgement of its request. */
    private PrivacyCommandAcknowledged carryOut(PrivacyCommandIssued command) {
        try (TopicWriter writer = infrastructure.writer()) {
            writer.send(command);
        }
        return acknowledgements(command.workspaceId(), command.requestId(), 1).getFirst();
    }

    private List<PrivacyCommandAcknowledged> acknowledgements(String workspaceId, UUID requestId, int count) {
        try (TopicReader acks = infrastructure.read(Topics.PRIVACY_ACKS)) {
            List<PrivacyCommandAcknowledged> answers = acks.await(forRequest(workspaceId, requestId), count, TIMEOUT)
                    .stream().map(r -> MessageCodec.read(r.value(), PrivacyCommandAcknowledged.class)).toList();
            assertThat(answers).as("acknowledgements of " + requestId).hasSizeGreaterThanOrEqualTo(count);
            return answers;
        }
    }

    private static java.util.function.Predicate<ConsumerRecord<String, String>> forRequest(String workspaceId,
                                                                                            UUID requestId) {
        return r -> Topics.key(workspaceId, requestId.toString()).equals(r.key())
                && "identity".equals(MessageCodec.read(r.value(), PrivacyCommandAcknowledged.class).service());
    }

    private long rows(String sql, Object... arguments) {
        Long count = jdbc.queryForObject(sql, Long.class, arguments);
        return count == null ? 0 : count;
    }

    @Test
    void shouldEraseEveryIdentifierProfileAndMergeOfThePersonSoTheyAnswer404() {
        String workspace = Workspaces.fresh();
        Person jane = person(workspace, "jane");
        Person john = person(workspace, "john");
        String token = readToken(workspace);

        PrivacyCommandAcknowledged ack = carryOut(command(workspace, Command.ERASE,
                List.of(jane.survivorId(), jane.mergedId()), jane.identifiers()));

        assertThat(ack.outcome()).isEqualTo(Outcome.DONE);
        assertThat(ack.service()).isEqualTo("identity");
        assertThat(ack.export()).isNull();
        assertThat(ack.detail()).startsWith("Erased 2 profile(s), 3 identifier(s) and 1 merge record(s).");
        for (Identifier identifier : jane.identifiers()) {
            assertProblem(api.get("/v1/identities/" + identifier.type() + "/" + identifier.value(), token), 404,
                    "identity_not_found");
        }
        for (String profileId : List.of(jane.survivorId(), jane.mergedId())) {
            assertProblem(api.get("/v1/profiles/" + profileId + "/identities", token), 404, "profile_not_found");
            assertProblem(api.get("/v1/profiles/" + profileId + "/merges", token), 404, "profile_not_found");
        }
        String[] janes = {jane.survivorId(), jane.mergedId()};
        assertThat(rows("SELECT count(*) FROM profiles WHERE workspace_id = ? AND id = ANY (?)", workspace, janes))
                .isZero();
        assertThat(rows("SELECT count(*) FROM identities WHERE workspace_id = ? AND (profile_id = ANY (?)"
                + " OR value LIKE 'jane%')", workspace, janes)).isZero();
        assertThat(rows("SELECT count(*) FROM merges WHERE workspace_id = ? AND (survivor_id = ANY (?)"
                + " OR merged_ids && ?::text[])", workspace, janes, janes)).isZero();

        // the other person of the workspace keeps everything
        JsonNode johns = body(api.get("/v1/profiles/" + john.survivorId() + "/identities", token), 200);
        assertThat(johns.path("identities").size()).isEqualTo(3);
        assertThat(body(api.get("/v1/profiles/" + john.mergedId() + "/merges", token), 200).path("merges").size())
                .isEqualTo(1);
    }

    @Test
    void shouldStartANewProfileForAnErasedIdentifierSeenAgain() {
        String workspace = Workspaces.fresh();
        Person jane = person(workspace, "jane");
        carryOut(command(workspace, Command.ERASE, List.of(jane.survivorId()), List.of()));

        String again = resolve(infrastructure, TestEvents.track(workspace, "jane", "jane-anon-1")).getFirst()
                .profileId();

        assertThat(again).isNotIn(jane.survivorId(), jane.mergedId());
        JsonNode identities = body(api.get("/v1/profiles/" + again + "/identities", readToken(workspace)), 200)
                .path("identities");
        assertThat(identities.values()).extracting(i -> i.path("value").asString())
                .containsExactlyInAnyOrder("jane", "jane-anon-1");
        assertThat(body(api.get("/v1/profiles/" + again + "/merges", readToken(workspace)), 200).path("merges").size())
                .isZero();
    }

    @Test
    void shouldFindThePersonByAnIdentifierInAnyNormalFormAndFollowItsMerges() {
        String workspace = Workspaces.fresh();
        Person jane = person(workspace, "jane");
        resolve(infrastructure, TestEvents.identify(workspace, "jane", null, "{\"email\": \"jane@example.com\"}"));

        PrivacyCommandAcknowledged ack = carryOut(command(workspace, Command.ERASE, List.of(),
                List.of(new Identifier("email", "  Jane@Example.COM "))));

        assertThat(ack.outcome()).isEqualTo(Outcome.DONE);
        assertThat(ack.detail()).startsWith("Erased 2 profile(s), 4 identifier(s) and 1 merge record(s).");
        assertProblem(api.get("/v1/identities/anonymous_id/jane-anon-2", readToken(workspace)), 404,
                "identity_not_found");
        assertProblem(api.get("/v1/profiles/" + jane.mergedId() + "/identities", readToken(workspace)), 404,
                "profile_not_found");
    }

    @Test
    void shouldExportTheIdentifiersProfilesAndMergesOfThePersonAndKeepThem() {
        String workspace = Workspaces.fresh();
        Person jane = person(workspace, "jane");

        PrivacyCommandAcknowledged ack = carryOut(command(workspace, Command.EXPORT, List.of(jane.mergedId()),
                List.of()));

        assertThat(ack.outcome()).isEqualTo(Outcome.DONE);
        JsonNode export = ack.export();
        assertThat(export.path("profiles").values()).extracting(p -> p.path("id").asString())
                .containsExactlyInAnyOrder(jane.survivorId(), jane.mergedId());
        JsonNode merged = export.path("profiles").values().stream()
                .filter(p -> p.path("id").asString().equals(jane.mergedId())).findFirst().orElseThrow();
        assertThat(merged.path("mergedInto").asString()).isEqualTo(jane.survivorId());
        assertThat(merged.path("mergedAt").asString()).isNotBlank();
        // three identifiers, two listed per profile (the earliest) in this test's settings
        assertThat(export.path("identifiers").values()).extracting(i -> i.path("value").asString())
                .containsExactly("jane-anon-1", "jane-anon-2");
        JsonNode first = export.path("identifiers").get(0);
        assertThat(first.path("type").asString()).isEqualTo("anonymous_id");
        assertThat(first.path("profileId").asString()).isEqualTo(jane.survivorId());
        assertThat(first.path("firstSeenAt").asString()).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(first.path("firstEventId").asString()).startsWith("msg-");
        assertThat(first.path("firstSourceId").asString()).isEqualTo("src-web");
        assertThat(export.path("merges").size()).isEqualTo(1);
        JsonNode merge = export.path("merges").get(0);
        assertThat(merge.path("survivorId").asString()).isEqualTo(jane.survivorId());
        assertThat(merge.path("mergedIds").values()).extracting(JsonNode::asString).containsExactly(jane.mergedId());
        assertThat(merge.path("rule").asString()).isEqualTo("flat_matching");
        assertThat(export.path("complete").asBoolean()).isFalse();
        assertThat(export.path("omitted").path("identifiers").asLong()).isEqualTo(1);
        assertThat(export.path("omitted").path("profiles").asLong()).isZero();
        assertThat(export.path("limits").path("identifiersPerProfile").asInt()).isEqualTo(2);
        assertThat(ack.detail()).contains("1 identifier(s)").contains("left out to keep the export within its limits");
        // an export changes nothing
        assertThat(body(api.get("/v1/profiles/" + jane.survivorId() + "/identities", readToken(workspace)), 200)
                .path("identities").size()).isEqualTo(3);
    }

    @Test
    void shouldExportACompletePersonAndAnEmptyOneForSomeoneUnknown() {
        String workspace = Workspaces.fresh();
        String profileId = resolve(infrastructure, TestEvents.track(workspace, "solo", null)).getFirst().profileId();

        JsonNode export = carryOut(command(workspace, Command.EXPORT, List.of(profileId), List.of())).export();
        JsonNode nobody = carryOut(command(workspace, Command.EXPORT, List.of(UUID.randomUUID().toString()),
                List.of(new Identifier("email", "nobody@example.com")))).export();

        assertThat(export.path("complete").asBoolean()).isTrue();
        assertThat(export.path("identifiers").values()).extracting(i -> i.path("value").asString())
                .containsExactly("solo");
        assertThat(export.path("merges").size()).isZero();
        assertThat(nobody.path("complete").asBoolean()).isTrue();
        assertThat(nobody.path("profiles").size()).isZero();
        assertThat(nobody.path("identifiers").size()).isZero();
    }

    @Test
    void shouldAcknowledgeASecondCommandOfTheRequestHarmlesslyAndARedeliveryNotAtAll() {
        String workspace = Workspaces.fresh();
        Person jane = person(workspace, "jane");
        PrivacyCommandIssued first = command(workspace, Command.ERASE, List.of(jane.survivorId(), jane.mergedId()),
                jane.identifiers());
        PrivacyCommandIssued second = new PrivacyCommandIssued(UUID.randomUUID(), workspace, Instant.now(),
                first.requestId(), Command.ERASE, first.profileIds(), first.identifiers(), false);
        // a third command of the request, told apart by its acknowledgement: same key, so same partition,
        // carried out and acknowledged after the others; once its answer is out, any answer to the
        // redelivered copy would be out before it
        PrivacyCommandIssued fence = new PrivacyCommandIssued(UUID.randomUUID(), workspace, Instant.now(),
                first.requestId(), Command.EXPORT, List.of(), List.of(), false);

        try (TopicWriter writer = infrastructure.writer()) {
            writer.send(first);
            writer.send(first);
            writer.send(second);
            writer.send(fence);
        }

        try (TopicReader acks = infrastructure.read(Topics.PRIVACY_ACKS)) {
            acks.await(forRequest(workspace, first.requestId()).and(r -> MessageCodec.read(r.value(),
                    PrivacyCommandAcknowledged.class).export() != null), 1, TIMEOUT);
            List<PrivacyCommandAcknowledged> answers = acks.await(forRequest(workspace, first.requestId()), 4,
                            Duration.ZERO)
                    .stream().map(r -> MessageCodec.read(r.value(), PrivacyCommandAcknowledged.class)).toList();
            assertThat(answers).as("one per command, the redelivered copy changes nothing").hasSize(3);
            assertThat(answers).allSatisfy(a -> assertThat(a.outcome()).isEqualTo(Outcome.DONE));
            assertThat(answers.get(0).detail()).startsWith("Erased 2 profile(s)");
            assertThat(answers.get(1).detail()).startsWith("identity holds nothing on this person");
            assertThat(answers.get(2).export()).as("the fence").isNotNull();
        }
    }

    @Test
    void shouldOnlyTouchTheCommandsWorkspace() {
        String workspace = Workspaces.fresh();
        String other = Workspaces.fresh();
        Person jane = person(workspace, "jane");
        Person otherJane = person(other, "jane");

        PrivacyCommandAcknowledged foreign = carryOut(command(other, Command.ERASE,
                List.of(jane.survivorId(), jane.mergedId()), List.of()));
        JsonNode foreignExport = carryOut(command(other, Command.EXPORT, List.of(jane.survivorId()), List.of()))
                .export();
        assertThat(foreign.detail()).startsWith("identity holds nothing on this person");
        assertThat(foreignExport.path("profiles").size()).isZero();
        assertThat(body(api.get("/v1/profiles/" + jane.survivorId() + "/identities", readToken(workspace)), 200)
                .path("identities").size()).isEqualTo(3);

        carryOut(command(workspace, Command.ERASE, List.of(), jane.identifiers()));

        assertProblem(api.get("/v1/identities/user_id/jane", readToken(workspace)), 404, "identity_not_found");
        JsonNode stillThere = body(api.get("/v1/identities/user_id/jane", readToken(other)), 200);
        assertThat(stillThere.path("profileId").asString()).isEqualTo(otherJane.survivorId());
        assertThat(body(api.get("/v1/profiles/" + otherJane.mergedId() + "/merges", readToken(other)), 200)
                .path("merges").size()).isEqualTo(1);
    }

    @Test
    void shouldLeaveOutWhatCannotBeAnIdentifierAndSaySo() {
        String workspace = Workspaces.fresh();
        String profileId = resolve(infrastructure, TestEvents.track(workspace, "kept-out", null)).getFirst()
                .profileId();

        PrivacyCommandAcknowledged ack = carryOut(command(workspace, Command.ERASE, List.of(profileId, " ", "p-\u0000"),
                List.of(new Identifier("Shoe Size", "42"), new Identifier("email", "not-an-email"),
                        new Identifier("user_id", "nul-\u0000"))));

        assertThat(ack.outcome()).isEqualTo(Outcome.DONE);
        assertThat(ack.detail()).startsWith("Erased 1 profile(s), 1 identifier(s)")
                .contains("5 profile id(s) or identifier(s) of the command were left out");
    }

    @Test
    void shouldAcknowledgeFailedACommandItCannotReadAndDeadLetterOneNobodyCouldAcknowledge() {
        String workspace = Workspaces.fresh();
        UUID unknownCommand = UUID.randomUUID();
        UUID noCommand = UUID.randomUUID();
        String later = resolve(infrastructure, TestEvents.track(workspace, "after-bad-ones", null)).getFirst()
                .profileId();

        try (TopicWriter writer = infrastructure.writer();
             TopicReader deadLetters = infrastructure.read(Topics.deadLetters("identity"))) {
            writer.send(Topics.PRIVACY_COMMANDS, Topics.key(workspace, unknownCommand.toString()), """
                    {"id": "%s", "workspaceId": "%s", "occurredAt": "2026-01-01T00:00:00Z", "requestId": "%s",
                     "command": "RECTIFY", "profileIds": [], "identifiers": []}"""
                    .formatted(UUID.randomUUID(), workspace, unknownCommand));
            writer.send(Topics.PRIVACY_COMMANDS, Topics.key(workspace, noCommand.toString()), """
                    {"id": "%s", "workspaceId": "%s", "occurredAt": "2026-01-01T00:00:00Z", "requestId": "%s"}"""
                    .formatted(UUID.randomUUID(), workspace, noCommand));
            String orphan = UUID.randomUUID().toString();
            writer.send(Topics.PRIVACY_COMMANDS, workspace + ":orphan", """
                    {"id": "%s", "workspaceId": "%s", "occurredAt": "2026-01-01T00:00:00Z", "command": "ERASE",
                     "profileIds": ["%s"]}""".formatted(orphan, workspace, later));

            PrivacyCommandAcknowledged unknown = acknowledgements(workspace, unknownCommand, 1).getFirst();
            assertThat(unknown.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(unknown.detail()).startsWith("The command cannot be read").contains("RECTIFY");
            PrivacyCommandAcknowledged missing = acknowledgements(workspace, noCommand, 1).getFirst();
            assertThat(missing.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(missing.detail()).contains("names no command");
            List<ConsumerRecord<String, String>> dead = deadLetters.await(r -> r.value().contains(orphan), 1, TIMEOUT);
            assertThat(dead).hasSize(1);
            assertThat(TopicReader.header(dead.getFirst(), KafkaConfiguration.DLT_REASON)).isEqualTo("permanent");
        }
        // the orphan erased nothing, and later commands are carried out
        assertThat(body(api.get("/v1/profiles/" + later + "/identities", readToken(workspace)), 200)
                .path("identities").size()).isEqualTo(1);
        assertThat(carryOut(command(workspace, Command.ERASE, List.of(later), List.of())).detail())
                .startsWith("Erased 1 profile(s)");
    }
}
