package org.opencdp.consent.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.consent.TestMessages.header;
import static org.opencdp.consent.TestMessages.keyOf;
import static org.opencdp.consent.TestMessages.merge;
import static org.opencdp.consent.TestMessages.resolvedEvent;
import static org.opencdp.testsupport.ApiClient.body;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.consent.ConsentServiceApplication;
import org.opencdp.contracts.ConsentChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfilesMerged;
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

/** Issue 12: consent follows identity's merges; a person's latest choice survives them. */
@CdpIntegrationTest
@SpringBootTest(classes = ConsentServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=consent-service")
class ConsentMergesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Instant T1 = Instant.parse("2025-03-01T10:00:00Z");

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String workspace = Workspaces.fresh();
    private final String token = infrastructure.token(workspace, Scopes.CONSENT_WRITE + " " + Scopes.CONSENT_READ);
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
    void shouldLetAnAnonymousDenialMadeBeforeSignUpWinOverAnOlderGrant() {
        put(workspace, "p_known", "marketing", "granted", "2025-03-01T10:00:00Z");
        put(workspace, "p_known", "email", "granted", "2025-03-01T10:00:00Z");
        // anonymously, a day later, before signing up: no marketing
        topics.send(resolvedEvent(workspace, "p_anon", null, "a_anon", T1.plus(Duration.ofDays(1)),
                Map.of("marketing", false)));
        awaitConsent(workspace, "p_anon", consent -> consent.path("purposes").has("marketing"));

        topics.send(merge(workspace, "p_known", "p_anon"));

        JsonNode merged = awaitConsent(workspace, "p_anon", consent -> "p_known".equals(consent.path("profileId").asString()));
        assertThat(merged.path("purposes").path("marketing").path("granted").asBoolean()).isFalse();
        assertThat(merged.path("purposes").path("marketing").path("source").asString()).isEqualTo("event:src_web");
        assertThat(merged.path("purposes").path("email").path("granted").asBoolean()).isTrue();
        assertThat(merged.path("history").valueStream().map(entry -> entry.path("profileId").asString()))
                .containsExactlyInAnyOrder("p_anon", "p_known", "p_known");
        assertThat(body(client.get("/v1/profiles/p_known/consent", token), 200)).isEqualTo(merged);
        assertThat(count("SELECT count(*) FROM consent_state WHERE workspace_id = ? AND profile_id = 'p_anon'"))
                .isZero();
        try (TopicReader reader = infrastructure.read(Topics.CONSENT_CHANGES)) {
            var survivor = reader.await(keyOf(workspace, "p_known"), 3, TIMEOUT);
            assertThat(MessageCodec.read(survivor.getLast().value(), ConsentChanged.class).purposes())
                    .isEqualTo(Map.of("marketing", false, "email", true));
            var mergedAway = reader.await(keyOf(workspace, "p_anon"), 2, TIMEOUT);
            assertThat(MessageCodec.read(mergedAway.getLast().value(), ConsentChanged.class).purposes())
                    .isEqualTo(Map.of("marketing", false, "email", true));
        }
    }

    @Test
    void shouldKeepALaterGrantOverAnOlderAnonymousDenialAndLetADenialWinATie() {
        put(workspace, "p_later", "marketing", "granted", "2025-03-05T10:00:00Z");
        put(workspace, "p_later", "ads", "granted", "2025-03-05T10:00:00Z");
        put(workspace, "p_older", "marketing", "denied", "2025-03-01T10:00:00Z");
        put(workspace, "p_older", "ads", "denied", "2025-03-05T10:00:00Z");

        topics.send(merge(workspace, "p_later", "p_older"));

        JsonNode merged = awaitConsent(workspace, "p_older", consent -> "p_later".equals(consent.path("profileId").asString()));
        assertThat(merged.path("purposes").path("marketing").path("granted").asBoolean()).isTrue();
        assertThat(merged.path("purposes").path("ads").path("granted").asBoolean()).isFalse();
    }

    @Test
    void shouldRedirectTheMergedAwayIdForWritesDecisionsAndLateEvents() {
        put(workspace, "p_main", "marketing", "granted", "2025-03-01T10:00:00Z");
        put(workspace, "p_old", "sms", "granted", "2025-03-01T10:00:00Z");
        topics.send(resolvedEvent(workspace, "p_old", null, "a_old", T1, null));
        awaitConsent(workspace, "p_old", consent -> true);
        await().atMost(TIMEOUT).until(() -> count("SELECT count(*) FROM subject_identifiers WHERE workspace_id = ?") == 1);
        topics.send(merge(workspace, "p_main", "p_old"));
        awaitConsent(workspace, "p_old", consent -> "p_main".equals(consent.path("profileId").asString()));

        JsonNode written = put(workspace, "p_old", "email", "granted", "2025-03-02T10:00:00Z");
        topics.send(resolvedEvent(workspace, "p_old", null, "a_old", T1.plus(Duration.ofDays(2)), Map.of("sms", false)));
        JsonNode decisions = body(client.post("/v1/consent/decisions", token,
                "{\"purposes\": [\"marketing\", \"email\"], \"profileIds\": [\"p_old\", \"p_main\"]}"), 200);

        assertThat(written.path("profileId").asString()).isEqualTo("p_main");
        assertThat(written.path("purposes").propertyNames()).containsExactlyInAnyOrder("marketing", "sms", "email");
        assertThat(decisions.path("decisions").get(0).path("profileId").asString()).isEqualTo("p_old");
        assertThat(decisions.path("decisions").get(0).path("decision").asString()).isEqualTo("allow");
        assertThat(decisions.path("decisions").get(1).path("decision").asString()).isEqualTo("allow");
        JsonNode stored = body(client.get("/v1/consent/decisions/"
                + decisions.path("decisions").get(0).path("decisionId").asString(), token), 200);
        assertThat(stored.path("mergedInto").asString()).isEqualTo("p_main");
        JsonNode afterEvent = awaitConsent(workspace, "p_main",
                consent -> !consent.path("purposes").path("sms").path("granted").asBoolean(true));
        assertThat(afterEvent.path("profileId").asString()).isEqualTo("p_main");
        assertThat(count("SELECT count(*) FROM consent_state WHERE workspace_id = ? AND profile_id = 'p_old'")).isZero();
        JsonNode byIdentifier = body(client.put("/v1/consent", token, """
                {"identifier": {"type": "anonymous_id", "value": "a_old"}, "purposes": {"ads": "denied"}}"""), 200);
        assertThat(byIdentifier.path("profileId").asString()).isEqualTo("p_main");
    }

    @Test
    void shouldChangeNothingWhenAMergeIsDeliveredAgainOrPublishedTwice() {
        put(workspace, "p_s", "marketing", "granted", "2025-03-01T10:00:00Z");
        put(workspace, "p_m", "marketing", "denied", "2025-03-02T10:00:00Z");
        ProfilesMerged first = merge(workspace, "p_s", "p_m");
        topics.send(first);
        JsonNode merged = awaitConsent(workspace, "p_m", consent -> "p_s".equals(consent.path("profileId").asString()));
        // a state written after the merge must survive its redelivery
        put(workspace, "p_s", "marketing", "granted", "2025-03-03T10:00:00Z");
        try (TopicReader reader = infrastructure.read(Topics.CONSENT_CHANGES)) {
            // the first put, the merge (marketing denied), the later put
            assertThat(reader.await(keyOf(workspace, "p_s"), 3, TIMEOUT)).hasSize(3);
        }

        topics.send(first);
        topics.send(new ProfilesMerged(UUID.randomUUID(), workspace, first.occurredAt(), "p_s", first.mergedIds(),
                first.identifiers(), first.eventId(), first.rule()));
        // a later marker proves both copies were consumed before we look
        put(workspace, "p_marker", "marketing", "granted", "2025-03-01T10:00:00Z");
        topics.send(merge(workspace, "p_s", "p_marker"));
        awaitConsent(workspace, "p_marker", consent -> "p_s".equals(consent.path("profileId").asString()));

        JsonNode after = body(client.get("/v1/profiles/p_m/consent", token), 200);
        assertThat(merged.path("purposes").path("marketing").path("granted").asBoolean()).isFalse();
        assertThat(after.path("purposes").path("marketing").path("granted").asBoolean()).isTrue();
        assertThat(count("SELECT count(*) FROM profile_redirects WHERE workspace_id = ?")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM consent_records WHERE workspace_id = ?")).isEqualTo(4);
        // the marker's merge changed nothing on the survivor (its grant is older): no change published for it
        assertThat(changes(workspace, "p_s")).isEqualTo(3);
    }

    @Test
    void shouldFollowMergeChainsToTheLastSurvivorInEitherOrder() {
        put(workspace, "p_a", "marketing", "denied", "2025-03-03T10:00:00Z");
        put(workspace, "p_b", "marketing", "granted", "2025-03-02T10:00:00Z");
        put(workspace, "p_b", "email", "granted", "2025-03-02T10:00:00Z");
        put(workspace, "p_c", "email", "denied", "2025-03-01T10:00:00Z");
        topics.send(merge(workspace, "p_b", "p_a"));
        awaitConsent(workspace, "p_a", consent -> "p_b".equals(consent.path("profileId").asString()));

        topics.send(merge(workspace, "p_c", "p_b"));

        JsonNode viaA = awaitConsent(workspace, "p_a", consent -> "p_c".equals(consent.path("profileId").asString()));
        assertThat(viaA.path("purposes").path("marketing").path("granted").asBoolean()).isFalse();
        assertThat(viaA.path("purposes").path("email").path("granted").asBoolean()).isTrue();
        assertThat(viaA.path("history")).hasSize(4);
        assertThat(body(client.get("/v1/profiles/p_b/consent", token), 200)).isEqualTo(viaA);
        assertThat(jdbc.queryForList("SELECT DISTINCT survivor_id FROM profile_redirects WHERE workspace_id = ?",
                String.class, workspace)).containsExactly("p_c");

        // the other order: Y→Z applied before X→Y arrives; X lands on Z
        put(workspace, "p_x", "ads", "denied", "2025-03-04T10:00:00Z");
        put(workspace, "p_y", "ads", "granted", "2025-03-01T10:00:00Z");
        put(workspace, "p_z", "sms", "granted", "2025-03-01T10:00:00Z");
        topics.send(merge(workspace, "p_z", "p_y"));
        awaitConsent(workspace, "p_y", consent -> "p_z".equals(consent.path("profileId").asString()));
        topics.send(merge(workspace, "p_y", "p_x"));

        JsonNode viaX = awaitConsent(workspace, "p_x", consent -> "p_z".equals(consent.path("profileId").asString()));
        assertThat(viaX.path("purposes").path("ads").path("granted").asBoolean()).isFalse();
        assertThat(viaX.path("purposes").path("sms").path("granted").asBoolean()).isTrue();
    }

    @Test
    void shouldApplyAMergeOnlyInItsOwnWorkspace() {
        String other = Workspaces.fresh();
        put(workspace, "p_1", "marketing", "granted", "2025-03-01T10:00:00Z");
        put(workspace, "p_2", "marketing", "denied", "2025-03-02T10:00:00Z");
        put(other, "p_1", "marketing", "granted", "2025-03-01T10:00:00Z");
        put(other, "p_2", "marketing", "denied", "2025-03-02T10:00:00Z");

        topics.send(merge(other, "p_1", "p_2"));

        JsonNode merged = awaitConsent(other, "p_2", consent -> "p_1".equals(consent.path("profileId").asString()));
        assertThat(merged.path("purposes").path("marketing").path("granted").asBoolean()).isFalse();
        JsonNode mine = body(client.get("/v1/profiles/p_2/consent", token), 200);
        assertThat(mine.path("profileId").asString()).isEqualTo("p_2");
        assertThat(body(client.get("/v1/profiles/p_1/consent", token), 200)
                .path("purposes").path("marketing").path("granted").asBoolean()).isTrue();
        assertThat(count("SELECT count(*) FROM profile_redirects WHERE workspace_id = ?")).isZero();
    }

    @Test
    void shouldDeadLetterAMergeThatNamesNoMergedProfile() {
        ProfilesMerged invalid = new ProfilesMerged(UUID.randomUUID(), workspace, Instant.now(), "p_lonely",
                java.util.List.of(), java.util.List.of(), UUID.randomUUID(), "user_id");

        topics.send(invalid);

        try (TopicReader reader = infrastructure.read(Topics.deadLetters("consent"))) {
            var dead = reader.await(keyOf(workspace, "p_lonely"), 1, TIMEOUT);
            assertThat(header(dead.getFirst(), KafkaConfiguration.DLT_REASON)).isEqualTo("permanent");
        }
    }

    private JsonNode put(String ws, String profileId, String purpose, String value, String occurredAt) {
        String auth = ws.equals(workspace) ? token : infrastructure.token(ws, Scopes.CONSENT_WRITE);
        return body(client.put("/v1/consent", auth, "{\"profileId\": \"" + profileId + "\", \"purposes\": {\""
                + purpose + "\": \"" + value + "\"}, \"occurredAt\": \"" + occurredAt + "\"}"), 200);
    }

    private JsonNode awaitConsent(String ws, String profileId, java.util.function.Predicate<JsonNode> condition) {
        String auth = ws.equals(workspace) ? token : infrastructure.token(ws, Scopes.CONSENT_READ);
        JsonNode[] seen = new JsonNode[1];
        await().atMost(TIMEOUT).until(() -> {
            var response = client.get("/v1/profiles/" + profileId + "/consent", auth);
            if (response.statusCode() != 200) {
                return false;
            }
            seen[0] = ApiClient.json(response);
            return condition.test(seen[0]);
        });
        return seen[0];
    }

    private long changes(String ws, String profileId) {
        try (TopicReader reader = infrastructure.read(Topics.CONSENT_CHANGES)) {
            return reader.drain(keyOf(ws, profileId), Duration.ofSeconds(2)).size();
        }
    }

    private long count(String sql) {
        return jdbc.queryForObject(sql, Long.class, workspace);
    }
}
