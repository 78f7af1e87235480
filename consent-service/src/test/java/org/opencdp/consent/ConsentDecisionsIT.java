package org.opencdp.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.testsupport.ApiClient.assertInvalidField;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Purposes with their defaults, and the decisions activation asks for before every delivery. */
@CdpIntegrationTest
@SpringBootTest(classes = ConsentServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=consent-service")
class ConsentDecisionsIT {

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();
    private final String workspace = Workspaces.fresh();
    private ApiClient client;
    private String writer;
    private String reader;

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void setUp() {
        client = ApiClient.onPort(port);
        writer = infrastructure.token(workspace, Scopes.CONSENT_WRITE);
        reader = infrastructure.token(workspace, Scopes.CONSENT_READ);
    }

    @Test
    void shouldAllowOnlyProfilesThatGrantedEveryPurposeAndDenyUnknownOnes() {
        putConsent("p1", "{\"marketing\": \"granted\", \"analytics\": \"denied\"}");
        putConsent("p2", "{\"marketing\": \"granted\"}");
        putConsent("p3", "{\"marketing\": \"denied\"}");
        double allowedBefore = decisionsCounted("allow");
        double deniedBefore = decisionsCounted("deny");

        JsonNode marketing = decide("{\"purposes\": [\"marketing\"], \"profileIds\": [\"p1\", \"p2\", \"p3\", \"p_unknown\"]}");
        JsonNode both = decide("{\"purposes\": [\"marketing\", \"analytics\"], \"profileIds\": [\"p1\"]}");

        assertThat(marketing.path("decisions")).hasSize(4);
        assertDecision(marketing.path("decisions").get(0), "p1", "allow", Map.of("marketing", "granted"));
        assertDecision(marketing.path("decisions").get(1), "p2", "allow", Map.of("marketing", "granted"));
        assertDecision(marketing.path("decisions").get(2), "p3", "deny", Map.of("marketing", "denied"));
        assertDecision(marketing.path("decisions").get(3), "p_unknown", "deny", Map.of("marketing", "default_denied"));
        assertDecision(both.path("decisions").get(0), "p1", "deny",
                Map.of("marketing", "granted", "analytics", "denied"));
        assertThat(marketing.path("decisions").valueStream().map(d -> d.path("decisionId").asString()).distinct())
                .hasSize(4);
        // issue 17: counted per request, by outcome
        assertThat(decisionsCounted("allow") - allowedBefore).isEqualTo(2.0);
        assertThat(decisionsCounted("deny") - deniedBefore).isEqualTo(3.0);
    }

    @Test
    void shouldExportEveryConsentSeriesFromStartUp() {
        List<String> scraped = client.get("/actuator/prometheus", null).body().lines().toList();

        for (String outcome : List.of("allow", "deny")) {
            assertThat(scraped).as(outcome).anyMatch(line -> line.startsWith("cdp_consent_decisions_total{")
                    && line.contains("outcome=\"" + outcome + "\""));
        }
        // privacy requests of every type and status are exported before any exists: SUPPRESS never fails in these tests
        for (String type : List.of("ERASE", "ACCESS", "SUPPRESS", "ERASE_AND_SUPPRESS")) {
            for (String status : List.of("created", "completed", "failed")) {
                assertThat(scraped).as(type + " " + status).anyMatch(line ->
                        line.startsWith("cdp_consent_privacy_requests_total{") && line.contains("type=\"" + type + "\"")
                                && line.contains("status=\"" + status + "\""));
            }
        }
        assertThat(scraped).filteredOn(line -> line.startsWith("cdp_consent_privacy_requests_total{")).hasSize(12);
    }

    private double decisionsCounted(String outcome) {
        return meters.get("cdp.consent.decisions").tag("outcome", outcome).counter().count();
    }

    @Test
    void shouldApplyThePurposesDefaultForTheJurisdictionWhenNoStatementExists() {
        JsonNode purposes = body(client.put("/v1/purposes", writer, """
                {"purposes": [
                  {"key": "analytics", "name": "Analytics", "description": "Product analytics",
                   "defaults": {"eu": false, "US": true, "*": false}},
                  {"key": "marketing", "name": "Marketing"}]}"""), 200);
        putConsent("p_default", "{\"email\": \"granted\"}");
        putConsent("p_opted_out", "{\"analytics\": \"denied\"}");

        assertThat(purposes).isEqualTo(body(client.get("/v1/purposes", reader), 200));
        assertThat(purposes.path("purposes").get(0).path("defaults").path("EU").asBoolean(true)).isFalse();
        assertThat(purposes.path("purposes").get(1).path("defaults").size()).isZero();
        String analytics = "{\"purposes\": [\"analytics\"], \"profileIds\": [\"p_default\", \"p_opted_out\", \"p_nobody\"]";
        JsonNode us = decide(analytics + ", \"jurisdiction\": \"US\"}");
        JsonNode california = decide(analytics + ", \"jurisdiction\": \"US-CA\"}");
        JsonNode eu = decide(analytics + ", \"jurisdiction\": \"EU\"}");
        JsonNode anywhere = decide(analytics + "}");
        JsonNode undeclared = decide("{\"purposes\": [\"email\", \"sms\"], \"profileIds\": [\"p_default\"], \"jurisdiction\": \"US\"}");

        assertDecision(us.path("decisions").get(0), "p_default", "allow", Map.of("analytics", "default_granted"));
        assertDecision(us.path("decisions").get(1), "p_opted_out", "deny", Map.of("analytics", "denied"));
        assertDecision(us.path("decisions").get(2), "p_nobody", "deny", Map.of("analytics", "default_denied"));
        assertDecision(california.path("decisions").get(0), "p_default", "allow", Map.of("analytics", "default_granted"));
        assertDecision(eu.path("decisions").get(0), "p_default", "deny", Map.of("analytics", "default_denied"));
        assertDecision(anywhere.path("decisions").get(0), "p_default", "deny", Map.of("analytics", "default_denied"));
        assertDecision(undeclared.path("decisions").get(0), "p_default", "deny",
                Map.of("email", "granted", "sms", "default_denied"));
    }

    @Test
    void shouldStoreEveryDecisionSoItCanBeAudited() {
        putConsent("p_audit", "{\"marketing\": \"granted\"}");
        JsonNode made = decide("{\"purposes\": [\"marketing\", \"analytics\"], \"profileIds\": [\"p_audit\", \"p_ghost\"], \"jurisdiction\": \"eu\"}")
                .path("decisions");
        String allowId = made.get(0).path("decisionId").asString();
        String ghostId = made.get(1).path("decisionId").asString();

        JsonNode stored = body(client.get("/v1/consent/decisions/" + allowId, reader), 200);
        JsonNode ghost = body(client.get("/v1/consent/decisions/" + ghostId, writer), 200);

        assertThat(stored.path("decisionId").asString()).isEqualTo(allowId);
        assertThat(stored.path("profileId").asString()).isEqualTo("p_audit");
        assertThat(stored.path("decision").asString()).isEqualTo("deny");
        assertThat(stored.path("purposes")).isEqualTo(made.get(0).path("purposes"));
        assertThat(stored.path("jurisdiction").asString()).isEqualTo("EU");
        assertThat(stored.path("profileKnown").asBoolean()).isTrue();
        assertThat(stored.path("requestedBy").asString()).isEqualTo("test");
        assertThat(stored.path("basis").path("marketing").path("source").asString()).isEqualTo("api");
        assertThat(stored.path("basis").path("marketing").path("granted").asBoolean()).isTrue();
        assertThat(stored.path("basis").path("analytics").path("status").asString()).isEqualTo("default_denied");
        assertThat(Instant.parse(stored.path("decidedAt").asString())).isBefore(Instant.now().plusSeconds(1));
        assertThat(ghost.path("decision").asString()).isEqualTo("deny");
        assertThat(ghost.path("profileKnown").asBoolean(true)).isFalse();

        String otherWorkspace = infrastructure.token(Workspaces.fresh(), Scopes.CONSENT_READ);
        assertProblem(client.get("/v1/consent/decisions/" + allowId, otherWorkspace), 404, "decision_not_found");
        assertProblem(client.get("/v1/consent/decisions/" + UUID.randomUUID(), reader), 404, "decision_not_found");
        assertProblem(client.get("/v1/consent/decisions/not-a-uuid", reader), 404, "decision_not_found");
    }

    @Test
    void shouldDenyAnotherWorkspacesProfiles() {
        putConsent("p_shared_id", "{\"marketing\": \"granted\"}");
        String otherWorkspace = infrastructure.token(Workspaces.fresh(), Scopes.CONSENT_READ + " " + Scopes.CONSENT_WRITE);
        body(client.put("/v1/purposes", otherWorkspace, """
                {"purposes": [{"key": "marketing", "name": "Marketing", "defaults": {"*": true}}]}"""), 200);

        JsonNode decisions = body(client.post("/v1/consent/decisions", otherWorkspace,
                "{\"purposes\": [\"marketing\"], \"profileIds\": [\"p_shared_id\"]}"), 200);

        assertDecision(decisions.path("decisions").get(0), "p_shared_id", "deny", Map.of("marketing", "default_denied"));
        assertThat(body(client.get("/v1/purposes", reader), 200).path("purposes")).isEmpty();
    }

    @Test
    void shouldRefuseInvalidDecisionAndPurposeRequests() {
        String tooMany = IntStream.rangeClosed(0, 1000).mapToObj(i -> "\"p" + i + "\"")
                .collect(Collectors.joining(",", "[", "]"));

        assertInvalidField(client.post("/v1/consent/decisions", reader,
                "{\"purposes\": [], \"profileIds\": [\"p1\"]}"), "/purposes");
        assertInvalidField(client.post("/v1/consent/decisions", reader,
                "{\"purposes\": [\"marketing\"], \"profileIds\": " + tooMany + "}"), "/profileIds");
        assertInvalidField(client.post("/v1/consent/decisions", reader,
                "{\"purposes\": [\"Marketing!\"], \"profileIds\": [\"p1\"]}"), "/purposes/0");
        assertInvalidField(client.post("/v1/consent/decisions", reader,
                "{\"purposes\": [\"marketing\"], \"profileIds\": [\"p1\"], \"jurisdiction\": \"Europe\"}"), "/jurisdiction");
        assertInvalidField(client.put("/v1/purposes", writer,
                "{\"purposes\": [{\"key\": \"Bad Key\", \"name\": \"x\"}]}"), "/purposes/0/key");
        assertInvalidField(client.put("/v1/purposes", writer,
                "{\"purposes\": [{\"key\": \"ads\", \"name\": \"Ads\", \"defaults\": {\"Europe\": true}}]}"),
                "/purposes/0/defaults/Europe");
        assertInvalidField(client.put("/v1/purposes", writer,
                "{\"purposes\": [{\"key\": \"ads\", \"name\": \"Ads\"}, {\"key\": \"ads\", \"name\": \"Ads\"}]}"),
                "/purposes/1/key");
        assertProblem(client.put("/v1/purposes", writer,
                "{\"purposes\": [{\"key\": \"ads\", \"name\": \"Ads\", \"defaults\": {\"EU\": \"maybe\"}}]}"),
                400, "malformed_body");
        assertThat(body(client.get("/v1/purposes", reader), 200).path("purposes")).isEmpty();

        String unrelated = infrastructure.token(workspace, Scopes.PROFILES_READ);
        String ask = "{\"purposes\": [\"marketing\"], \"profileIds\": [\"p1\"]}";
        assertProblem(client.post("/v1/consent/decisions", null, ask), 401, "missing_token");
        assertProblem(client.post("/v1/consent/decisions", unrelated, ask), 403, "missing_scope");
        assertProblem(client.get("/v1/consent/decisions/" + UUID.randomUUID(), unrelated), 403, "missing_scope");
        assertProblem(client.get("/v1/purposes", unrelated), 403, "missing_scope");
        assertProblem(client.put("/v1/purposes", reader, "{\"purposes\": []}"), 403, "missing_scope");
    }

    @Test
    void shouldDecideForAThousandProfilesInOneRequest() {
        putConsent("p_bulk_7", "{\"marketing\": \"granted\"}");
        String profiles = IntStream.range(0, 1000).mapToObj(i -> "\"p_bulk_" + i + "\"")
                .collect(Collectors.joining(",", "[", "]"));

        JsonNode decisions = decide("{\"purposes\": [\"marketing\"], \"profileIds\": " + profiles + "}").path("decisions");

        assertThat(decisions).hasSize(1000);
        Map<String, Integer> outcomes = new HashMap<>();
        decisions.forEach(d -> outcomes.merge(d.path("decision").asString(), 1, Integer::sum));
        assertThat(outcomes).isEqualTo(Map.of("allow", 1, "deny", 999));
        assertThat(decisions.get(7).path("decision").asString()).isEqualTo("allow");
    }

    @Test
    void shouldKeepEachDecisionsOwnBasisWhenDecisionsOfOneRequestRestOnTheSameOne() {
        // issue 12 (decisions benchmark): decisions with the same basis share one stored document;
        // each must still read back as its own decision, and odd characters must survive the array
        String source = "crm \\\"import\\\", {batch} 7\\\\";
        body(client.put("/v1/consent", writer, "{\"profileId\": \"p_quoted\", \"source\": \"" + source
                + "\", \"purposes\": {\"marketing\": \"granted\"}}"), 200);

        JsonNode made = decide("{\"purposes\": [\"marketing\"], "
                + "\"profileIds\": [\"p_ghost_1\", \"p_quoted\", \"p_ghost_2\", \"p_ghost_1\"]}").path("decisions");

        assertThat(made).hasSize(4);
        assertThat(made.valueStream().map(d -> d.path("decisionId").asString()).distinct()).hasSize(4);
        JsonNode ghost1 = body(client.get("/v1/consent/decisions/" + made.get(0).path("decisionId").asString(), reader), 200);
        JsonNode quoted = body(client.get("/v1/consent/decisions/" + made.get(1).path("decisionId").asString(), reader), 200);
        JsonNode ghost2 = body(client.get("/v1/consent/decisions/" + made.get(2).path("decisionId").asString(), reader), 200);
        assertThat(ghost1.path("profileId").asString()).isEqualTo("p_ghost_1");
        assertThat(ghost2.path("profileId").asString()).isEqualTo("p_ghost_2");
        assertThat(ghost2.path("basis")).isEqualTo(ghost1.path("basis"));
        assertThat(ghost2.path("profileKnown").asBoolean(true)).isFalse();
        assertThat(quoted.path("decision").asString()).isEqualTo("allow");
        assertThat(quoted.path("basis").path("marketing").path("source").asString())
                .isEqualTo("crm \"import\", {batch} 7\\");
    }

    private void putConsent(String profileId, String purposes) {
        body(client.put("/v1/consent", writer,
                "{\"profileId\": \"" + profileId + "\", \"purposes\": " + purposes + "}"), 200);
    }

    private JsonNode decide(String request) {
        return body(client.post("/v1/consent/decisions", reader, request), 200);
    }

    private static void assertDecision(JsonNode decision, String profileId, String outcome, Map<String, String> purposes) {
        assertThat(decision.path("profileId").asString()).isEqualTo(profileId);
        assertThat(decision.path("decision").asString()).as(decision.toString()).isEqualTo(outcome);
        assertThat(decision.path("decisionId").asString()).isNotBlank();
        Map<String, String> actual = new HashMap<>();
        decision.path("purposes").forEachEntry((purpose, status) -> actual.put(purpose, status.asString()));
        assertThat(actual).isEqualTo(purposes);
    }
}
