package org.opencdp.consent.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.opencdp.consent.TestMessages.merge;
import static org.opencdp.consent.TestMessages.resolvedEvent;
import static org.opencdp.testsupport.ApiClient.assertInvalidField;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.consent.ConsentServiceApplication;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.TopicWriter;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** Issue 12: every consent change is appended to the audit log, readable per person over the API. */
@CdpIntegrationTest
@SpringBootTest(classes = ConsentServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=consent-service")
class AuditLogIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String workspace = Workspaces.fresh();
    private final String writer = infrastructure.token(workspace, Scopes.CONSENT_WRITE);
    private final String reader = infrastructure.token(workspace, Scopes.CONSENT_READ);
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
    void shouldListEveryConsentChangeOfAProfileNewestFirst() {
        body(client.put("/v1/consent", writer, """
                {"profileId": "p_api", "purposes": {"marketing": "granted", "analytics": "denied"},
                 "source": "preference-center", "occurredAt": "2025-03-01T10:00:00Z"}"""), 200);
        body(client.put("/v1/consent", writer, """
                {"profileId": "p_api", "purposes": {"marketing": "denied"}, "occurredAt": "2025-03-02T10:00:00Z"}"""), 200);

        JsonNode audit = body(client.get("/v1/audit?subject=p_api", reader), 200);

        assertThat(audit.path("profileIds").valueStream().map(JsonNode::asString)).containsExactly("p_api");
        assertThat(audit.path("entries")).hasSize(3);
        JsonNode newest = audit.path("entries").get(0);
        assertThat(newest.path("action").asString()).isEqualTo("consent_recorded");
        assertThat(newest.path("profileId").asString()).isEqualTo("p_api");
        assertThat(newest.path("actor").asString()).isEqualTo("api");
        assertThat(newest.path("details").path("purpose").asString()).isEqualTo("marketing");
        assertThat(newest.path("details").path("granted").asBoolean(true)).isFalse();
        assertThat(audit.path("entries").get(2).path("actor").asString()).isEqualTo("preference-center");
        assertThat(audit.has("nextCursor") && !audit.path("nextCursor").isNull()).isFalse();
    }

    @Test
    void shouldFindEntriesByIdentifierIncludingEventConsentAndMerges() {
        topics.send(resolvedEvent(workspace, "p_anon", null, "a_1", Instant.parse("2025-03-01T10:00:00Z"),
                Map.of("ads", false)));
        topics.send(resolvedEvent(workspace, "p_user", "u_1", null, Instant.parse("2025-03-02T10:00:00Z"),
                Map.of("ads", true)));
        await().atMost(TIMEOUT).until(() -> entries("user_id:u_1").size() == 1 && entries("anonymous_id:a_1").size() == 1);

        topics.send(merge(workspace, "p_user", "p_anon"));

        await().atMost(TIMEOUT).until(() -> entries("anonymous_id:a_1").size() == 3);
        List<JsonNode> viaAnonymousId = entries("anonymous_id:a_1");
        assertThat(viaAnonymousId.getFirst().path("action").asString()).isEqualTo("profiles_merged");
        assertThat(viaAnonymousId.getFirst().path("actor").asString()).isEqualTo("identity");
        assertThat(viaAnonymousId.getFirst().path("details").path("mergedIds").get(0).asString()).isEqualTo("p_anon");
        assertThat(viaAnonymousId.stream().skip(1).map(entry -> entry.path("actor").asString()))
                .containsOnly("event:src_web");
        assertThat(entries("p_anon")).isEqualTo(viaAnonymousId);
        assertThat(entries("user_id:u_1")).isEqualTo(viaAnonymousId);
    }

    @Test
    void shouldPageThroughTheLogWithTheKitsCursor() {
        for (int day = 1; day <= 5; day++) {
            body(client.put("/v1/consent", writer, "{\"profileId\": \"p_pages\", \"purposes\": {\"email\": \""
                    + (day % 2 == 0 ? "denied" : "granted") + "\"}, \"occurredAt\": \"2025-03-0" + day
                    + "T10:00:00Z\"}"), 200);
        }
        List<JsonNode> all = entries("p_pages");
        List<JsonNode> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = body(client.get("/v1/audit?subject=p_pages&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor), reader), 200);
            page.path("entries").forEach(paged::add);
            cursor = page.path("nextCursor").isString() ? page.path("nextCursor").asString() : null;
            pages++;
        } while (cursor != null);

        assertThat(all).hasSize(5);
        assertThat(pages).isEqualTo(3);
        assertThat(paged).isEqualTo(all);
    }

    @Test
    void shouldAnswerClearProblemsForBadRequests() {
        assertInvalidField(client.get("/v1/audit", reader), "/subject");
        assertInvalidField(client.get("/v1/audit?subject=" + encode("Not A Type:x"), reader), "/subject");
        assertInvalidField(client.get("/v1/audit?subject=" + encode("email:   "), reader), "/subject");
        assertProblem(client.get("/v1/audit?subject=p&limit=0", reader), 400, "invalid_limit");
        assertProblem(client.get("/v1/audit?subject=p&limit=501", reader), 400, "invalid_limit");
        assertProblem(client.get("/v1/audit?subject=p&cursor=nonsense", reader), 400, "invalid_cursor");
        assertProblem(client.get("/v1/audit?subject=p", null), 401, "missing_token");
        assertProblem(client.get("/v1/audit?subject=p", infrastructure.token(workspace, Scopes.PROFILES_READ)), 403,
                "missing_scope");
    }

    @Test
    void shouldShowAWorkspaceOnlyItsOwnEntries() {
        body(client.put("/v1/consent", writer, """
                {"profileId": "p_shared", "purposes": {"marketing": "granted"}}"""), 200);
        String other = Workspaces.fresh();

        JsonNode theirs = body(client.get("/v1/audit?subject=p_shared", infrastructure.token(other, Scopes.CONSENT_READ)),
                200);

        assertThat(theirs.path("entries")).isEmpty();
        assertThat(entries("p_shared")).hasSize(1);
        assertThat(body(client.get("/v1/audit?subject=p_shared",
                infrastructure.token(workspace, Scopes.PRIVACY_WRITE)), 200).path("entries")).hasSize(1);
    }

    @Test
    void shouldRefuseToRewriteAnEntry() {
        body(client.put("/v1/consent", writer, """
                {"profileId": "p_fixed", "purposes": {"marketing": "granted"}}"""), 200);

        assertThatThrownBy(() -> jdbc.update("UPDATE audit_log SET actor = 'someone else' WHERE workspace_id = ?",
                workspace)).isInstanceOf(DataAccessException.class).hasMessageContaining("append-only");
    }

    private List<JsonNode> entries(String subject) {
        List<JsonNode> entries = new ArrayList<>();
        body(client.get("/v1/audit?subject=" + encode(subject) + "&limit=500", reader), 200).path("entries")
                .forEach(entries::add);
        return entries;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
