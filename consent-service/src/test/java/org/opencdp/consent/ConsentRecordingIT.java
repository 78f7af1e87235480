package org.opencdp.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.consent.TestMessages.header;
import static org.opencdp.consent.TestMessages.keyOf;
import static org.opencdp.consent.TestMessages.resolvedEvent;
import static org.opencdp.testsupport.ApiClient.assertInvalidField;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.ConsentChanged;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.Topics;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The ledger and state: consent from events and from the API, event-time ordering, idempotency, errors. */
@CdpIntegrationTest
@SpringBootTest(classes = ConsentServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=consent-service")
class ConsentRecordingIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Instant T1 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2025-03-02T10:00:00Z");
    private static final Instant T3 = Instant.parse("2025-03-03T10:00:00Z");

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String workspace = Workspaces.fresh();
    private final String writer = infrastructure.token(workspace, Scopes.CONSENT_WRITE + " " + Scopes.CONSENT_READ);
    private ApiClient client;
    private TopicWriter topics;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void setUp() {
        client = ApiClient.onPort(port);
        topics = infrastructure.writer();
    }

    @AfterEach
    void tearDown() {
        topics.close();
    }

    @Test
    void shouldRecordConsentFromAnEventsCategoryPreferencesAndPublishTheWholeState() {
        EventResolved event = resolvedEvent(workspace, "p_event", "u_event", "a_event", T1,
                Map.of("marketing", true, "analytics", false, "Not A Key", true, "ads", "yes"));

        topics.send(event);

        JsonNode consent = awaitConsent("p_event", state -> state.path("purposes").size() == 2);
        assertThat(consent.path("purposes").path("marketing").path("granted").asBoolean()).isTrue();
        assertThat(consent.path("purposes").path("analytics").path("granted").asBoolean()).isFalse();
        assertThat(consent.path("purposes").path("marketing").path("source").asString()).isEqualTo("event:src_web");
        assertThat(consent.path("purposes").path("marketing").path("legalBasis").asString()).isEqualTo("consent");
        assertThat(Instant.parse(consent.path("purposes").path("marketing").path("occurredAt").asString())).isEqualTo(T1);
        assertThat(consent.path("history")).hasSize(2).allSatisfy(entry -> {
            assertThat(entry.path("eventMessageId").asString()).isEqualTo(event.id().toString());
            assertThat(entry.path("source").asString()).isEqualTo("event:src_web");
        });
        try (TopicReader reader = infrastructure.read(Topics.CONSENT_CHANGES)) {
            var changes = reader.await(keyOf(workspace, "p_event"), 1, TIMEOUT);
            assertThat(changes).hasSize(1);
            ConsentChanged changed = MessageCodec.read(changes.getFirst().value(), ConsentChanged.class);
            assertThat(changed.workspaceId()).isEqualTo(workspace);
            assertThat(changed.purposes()).isEqualTo(Map.of("marketing", true, "analytics", false));
        }
        // the invalid entries were ignored, not dead-lettered
        assertThat(count("SELECT count(*) FROM consent_records WHERE workspace_id = ? AND purpose NOT IN ('marketing', 'analytics')")).isZero();
    }

    @Test
    void shouldRecordConsentPutByProfileIdAndByIdentifierLearnedFromEvents() {
        JsonNode byProfile = body(client.put("/v1/consent", writer, """
                {"profileId": "p_api", "purposes": {"marketing": "granted", "analytics": "denied"},
                 "source": "preference-center", "legalBasis": "consent", "jurisdiction": "eu",
                 "occurredAt": "2025-03-01T10:00:00Z"}"""), 200);

        assertThat(byProfile.path("profileId").asString()).isEqualTo("p_api");
        assertThat(byProfile.path("purposes").path("marketing").path("granted").asBoolean()).isTrue();
        assertThat(byProfile.path("purposes").path("marketing").path("source").asString()).isEqualTo("preference-center");
        assertThat(byProfile.path("purposes").path("marketing").path("jurisdiction").asString()).isEqualTo("EU");
        assertThat(byProfile.path("purposes").path("analytics").path("granted").asBoolean()).isFalse();
        assertThat(byProfile.path("history")).hasSize(2);
        assertThat(body(client.get("/v1/profiles/p_api/consent", writer), 200)).isEqualTo(byProfile);

        topics.send(resolvedEvent(workspace, "p_known", "u_known", "a_known", T1, null));
        await().atMost(TIMEOUT).until(() -> client.get("/v1/profiles/p_known/consent", writer).statusCode() == 200);
        JsonNode byUserId = body(client.put("/v1/consent", writer, """
                {"identifier": {"type": "user_id", "value": "u_known"}, "purposes": {"email": "granted"}}"""), 200);
        JsonNode byAnonymousId = body(client.put("/v1/consent", writer, """
                {"identifier": {"type": "anonymous_id", "value": "a_known"}, "purposes": {"sms": "denied"},
                 "legalBasis": "legitimate_interest"}"""), 200);

        assertThat(byUserId.path("profileId").asString()).isEqualTo("p_known");
        assertThat(byUserId.path("purposes").path("email").path("source").asString()).isEqualTo("api");
        assertThat(byAnonymousId.path("profileId").asString()).isEqualTo("p_known");
        assertThat(byAnonymousId.path("purposes").path("sms").path("legalBasis").asString())
                .isEqualTo("legitimate_interest");
        assertThat(byAnonymousId.path("purposes").propertyNames()).containsExactlyInAnyOrder("email", "sms");
        try (TopicReader reader = infrastructure.read(Topics.CONSENT_CHANGES)) {
            var changes = reader.await(keyOf(workspace, "p_known"), 2, TIMEOUT);
            assertThat(changes).hasSize(2);
            assertThat(MessageCodec.read(changes.get(1).value(), ConsentChanged.class).purposes())
                    .isEqualTo(Map.of("email", true, "sms", false));
            assertThat(reader.await(keyOf(workspace, "p_api"), 1, TIMEOUT)).hasSize(1);
        }
    }

    @Test
    void shouldKeepTheNewerStatementWhenAnOlderOneArrivesLater() {
        body(client.put("/v1/consent", writer, """
                {"profileId": "p_order", "purposes": {"marketing": "granted"}, "occurredAt": "2025-03-02T10:00:00Z"}"""), 200);

        JsonNode afterOlderPut = body(client.put("/v1/consent", writer, """
                {"profileId": "p_order", "purposes": {"marketing": "denied"}, "source": "late-import",
                 "occurredAt": "2025-03-01T10:00:00Z"}"""), 200);
        topics.send(resolvedEvent(workspace, "p_order", "u_order", null, T1.minusSeconds(60),
                Map.of("marketing", false)));

        assertThat(afterOlderPut.path("purposes").path("marketing").path("granted").asBoolean()).isTrue();
        assertThat(Instant.parse(afterOlderPut.path("purposes").path("marketing").path("occurredAt").asString()))
                .isEqualTo(T2);
        JsonNode consent = awaitConsent("p_order", state -> state.path("history").size() == 3);
        assertThat(consent.path("purposes").path("marketing").path("granted").asBoolean()).isTrue();
        assertThat(consent.path("history").valueStream().map(entry -> entry.path("source").asString()))
                .containsExactly("api", "late-import", "event:src_web");
        body(client.put("/v1/consent", writer, """
                {"profileId": "p_order", "purposes": {"marketing": "denied"}, "occurredAt": "2025-03-03T10:00:00Z"}"""), 200);
        try (TopicReader reader = infrastructure.read(Topics.CONSENT_CHANGES)) {
            var changes = reader.await(keyOf(workspace, "p_order"), 2, TIMEOUT);
            assertThat(changes).hasSize(2);
            assertThat(changes.stream().map(r -> MessageCodec.read(r.value(), ConsentChanged.class).purposes()))
                    .containsExactly(Map.of("marketing", true), Map.of("marketing", false));
            assertThat(reader.drain(keyOf(workspace, "p_order"), Duration.ofSeconds(1))).hasSize(2);
        }
        JsonNode latest = body(client.get("/v1/profiles/p_order/consent", writer), 200);
        assertThat(Instant.parse(latest.path("purposes").path("marketing").path("occurredAt").asString())).isEqualTo(T3);
    }

    @Test
    void shouldChangeNothingWhenAnEventIsDeliveredAgain() {
        EventResolved first = resolvedEvent(workspace, "p_dup", "u_dup", "a_dup", T1,
                Map.of("marketing", true, "analytics", false));
        EventResolved later = resolvedEvent(workspace, "p_dup", "u_dup", "a_dup", T2,
                Map.of("marketing", true, "email", true));

        topics.send(first);
        topics.send(first);
        topics.send(later);

        // the later event is behind the duplicate on the same partition: once it shows, both were consumed
        JsonNode consent = awaitConsent("p_dup", state -> state.path("purposes").has("email"));
        assertThat(consent.path("history").valueStream().map(entry -> entry.path("purpose").asString()).toList())
                .as("the repeated marketing=true of the later event is no new statement")
                .hasSize(3).startsWith("email").containsExactlyInAnyOrder("email", "analytics", "marketing");
        assertThat(count("SELECT count(*) FROM consent_records WHERE workspace_id = ?")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM subject_identifiers WHERE workspace_id = ?")).isEqualTo(2);
        try (TopicReader reader = infrastructure.read(Topics.CONSENT_CHANGES)) {
            reader.await(keyOf(workspace, "p_dup"), 2, TIMEOUT);
            var changes = reader.drain(keyOf(workspace, "p_dup"), Duration.ofSeconds(1));
            assertThat(changes).hasSize(2);
            assertThat(MessageCodec.read(changes.get(1).value(), ConsentChanged.class).purposes())
                    .isEqualTo(Map.of("marketing", true, "analytics", false, "email", true));
        }
    }

    @Test
    void shouldRecordGlobalPrivacyControlAsAnOptOutOfDataSaleAndAdvertising() {
        body(client.put("/v1/consent", writer, """
                {"profileId": "p_gpc", "purposes": {"advertising": "granted", "data_sale": "granted"},
                 "occurredAt": "2025-03-01T10:00:00Z"}"""), 200);
        EventResolved withGpc = resolvedEvent(workspace, "p_gpc", "u_gpc", null, T2,
                Map.of("advertising", true, "analytics", true));
        ((ObjectNode) withGpc.event().context()).put("gpc", true);

        topics.send(withGpc);

        JsonNode consent = awaitConsent("p_gpc", state -> state.path("purposes").has("analytics"));
        assertThat(consent.path("purposes").path("advertising").path("granted").asBoolean()).isFalse();
        assertThat(consent.path("purposes").path("data_sale").path("granted").asBoolean()).isFalse();
        assertThat(consent.path("purposes").path("data_sale").path("source").asString()).isEqualTo("event:src_web:gpc");
        assertThat(consent.path("purposes").path("analytics").path("granted").asBoolean()).isTrue();
        assertThat(consent.path("purposes").path("analytics").path("source").asString()).isEqualTo("event:src_web");
        JsonNode decision = body(client.post("/v1/consent/decisions", writer,
                "{\"purposes\": [\"advertising\"], \"profileIds\": [\"p_gpc\"]}"), 200).path("decisions").get(0);
        assertThat(decision.path("decision").asString()).isEqualTo("deny");
    }

    @Test
    void shouldIgnoreAGpcMemberThatIsNotTrue() {
        EventResolved notSet = resolvedEvent(workspace, "p_no_gpc", "u_no_gpc", null, T1, Map.of("analytics", true));
        ((ObjectNode) notSet.event().context()).put("gpc", "1");
        EventResolved off = resolvedEvent(workspace, "p_no_gpc", "u_no_gpc", null, T2, Map.of("email", true));
        ((ObjectNode) off.event().context()).put("gpc", false);

        topics.sendAll(java.util.List.of(notSet, off));

        JsonNode consent = awaitConsent("p_no_gpc", state -> state.path("purposes").has("email"));
        assertThat(consent.path("purposes").propertyNames()).containsExactlyInAnyOrder("analytics", "email");
    }

    @Test
    void shouldDeadLetterAResolvedEventWithoutProfileAndKeepConsumingThePartition() {
        String key = Topics.key(workspace, "p_after");
        String withoutProfile = "{\"id\": \"" + UUID.randomUUID() + "\", \"workspaceId\": \"" + workspace
                + "\", \"occurredAt\": \"2025-03-01T10:00:00Z\"}";

        topics.send(Topics.RESOLVED_EVENTS, key, withoutProfile);
        topics.send(resolvedEvent(workspace, "p_after", "u_after", null, T1, Map.of("marketing", true)));

        try (TopicReader deadLetters = infrastructure.read(Topics.deadLetters("consent"))) {
            var records = deadLetters.await(record -> key.equals(record.key()), 1, TIMEOUT);
            assertThat(records).hasSize(1);
            assertThat(header(records.getFirst(), KafkaConfiguration.DLT_REASON)).isEqualTo("permanent");
            assertThat(header(records.getFirst(), KafkaConfiguration.DLT_ERROR)).contains("has no profileId");
        }
        assertThat(awaitConsent("p_after", state -> state.path("purposes").has("marketing"))
                .path("purposes").path("marketing").path("granted").asBoolean()).isTrue();
    }

    @Test
    void shouldRefuseInvalidConsentRequestsAndChangeNothing() {
        body(client.put("/v1/consent", writer, """
                {"profileId": "p_bad", "purposes": {"marketing": "granted"}}"""), 200);

        assertInvalidField(client.put("/v1/consent", writer, """
                {"profileId": "p_bad", "identifier": {"type": "user_id", "value": "u"}, "purposes": {"marketing": "denied"}}"""),
                "/identifier");
        assertInvalidField(client.put("/v1/consent", writer, """
                {"purposes": {"marketing": "denied"}}"""), "/profileId");
        assertInvalidField(client.put("/v1/consent", writer, """
                {"profileId": "p_bad", "purposes": {"Marketing Emails": "denied"}}"""), "/purposes/Marketing Emails");
        assertInvalidField(client.put("/v1/consent", writer, """
                {"profileId": "p_bad", "purposes": {"marketing": "yes"}}"""), "/purposes/marketing");
        assertInvalidField(client.put("/v1/consent", writer, """
                {"profileId": "p_bad", "purposes": {}}"""), "/purposes");
        assertInvalidField(client.put("/v1/consent", writer, """
                {"profileId": "p_bad", "purposes": {"marketing": "denied"}, "legalBasis": "because"}"""), "/legalBasis");
        assertInvalidField(client.put("/v1/consent", writer, """
                {"profileId": "p_bad", "purposes": {"marketing": "denied"}, "jurisdiction": "Europe"}"""), "/jurisdiction");
        assertInvalidField(client.put("/v1/consent", writer, """
                {"profileId": "p_bad", "purposes": {"marketing": "denied"}, "occurredAt": "2999-01-01T00:00:00Z"}"""),
                "/occurredAt");
        assertProblem(client.put("/v1/consent", writer, "{\"profileId\": "), 400, "malformed_body");

        JsonNode consent = body(client.get("/v1/profiles/p_bad/consent", writer), 200);
        assertThat(consent.path("purposes").path("marketing").path("granted").asBoolean()).isTrue();
        assertThat(consent.path("history")).hasSize(1);
    }

    @Test
    void shouldAnswerNotFoundForUnknownSubjectsAndOtherWorkspaces() {
        topics.send(resolvedEvent(workspace, "p_mine", "u_mine", null, T1, Map.of("marketing", true)));
        awaitConsent("p_mine", state -> state.path("purposes").has("marketing"));
        String otherWorkspace = infrastructure.token(Workspaces.fresh(), Scopes.CONSENT_WRITE + " " + Scopes.CONSENT_READ);

        assertProblem(client.get("/v1/profiles/p_never_seen/consent", writer), 404, "profile_not_found");
        assertProblem(client.put("/v1/consent", writer, """
                {"identifier": {"type": "user_id", "value": "u_nobody"}, "purposes": {"marketing": "granted"}}"""),
                404, "subject_not_found");
        assertProblem(client.get("/v1/profiles/p_mine/consent", otherWorkspace), 404, "profile_not_found");
        assertProblem(client.put("/v1/consent", otherWorkspace, """
                {"identifier": {"type": "user_id", "value": "u_mine"}, "purposes": {"marketing": "denied"}}"""),
                404, "subject_not_found");
        assertThat(body(client.get("/v1/profiles/p_mine/consent", writer), 200)
                .path("purposes").path("marketing").path("granted").asBoolean()).isTrue();
    }

    @Test
    void shouldRequireATokenWithTheConsentScopes() {
        String reader = infrastructure.token(workspace, Scopes.CONSENT_READ);
        String unrelated = infrastructure.token(workspace, Scopes.PROFILES_READ);
        String put = "{\"profileId\": \"p_scope\", \"purposes\": {\"marketing\": \"granted\"}}";

        assertProblem(client.put("/v1/consent", null, put), 401, "missing_token");
        assertProblem(client.put("/v1/consent", "not-a-jwt", put), 401, "invalid_token");
        assertProblem(client.put("/v1/consent", reader, put), 403, "missing_scope");
        assertProblem(client.get("/v1/profiles/p_scope/consent", unrelated), 403, "missing_scope");
        assertProblem(client.get("/v1/profiles/p_scope/consent", reader), 404, "profile_not_found");
    }

    private JsonNode awaitConsent(String profileId, Predicate<JsonNode> condition) {
        return await().atMost(TIMEOUT).until(() -> {
            var response = client.get("/v1/profiles/" + profileId + "/consent", writer);
            return response.statusCode() == 200 ? ApiClient.json(response) : null;
        }, state -> state != null && condition.test(state));
    }

    private long count(String sql) {
        Long value = jdbc.queryForObject(sql, Long.class, workspace);
        return value == null ? 0 : value;
    }
}
