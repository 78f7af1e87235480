package org.opencdp.identity.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.identity.ResolvedEvents.resolve;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.identity.IdentityServiceApplication;
import org.opencdp.identity.ResolvedEvents;
import org.opencdp.identity.TestEvents;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@CdpIntegrationTest
@SpringBootTest(classes = IdentityServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=identity-service")
class IdentityApiIT {

    private static final Instant EARLY = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant LATE = Instant.parse("2025-03-02T18:30:00.123456Z");

    private final HttpClient http = HttpClient.newHttpClient();
    /** Partitions of the contract topics under test (cdp.kit.kafka.partitions of the test infrastructure). */
    private static final int PARTITIONS = 3;

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @LocalServerPort
    int port;

    @BeforeEach
    void listenersOwnTheEventsTopic() {
        ResolvedEvents.awaitListenersAssigned(listeners, PARTITIONS);
    }

    @Test
    void shouldFindTheProfileOfAUserIdAndOfAnAnonymousId() throws Exception {
        String profileId = resolve(infrastructure, TestEvents.track("ws_api", "jane.doe@example.com", "anon-jane"))
                .getFirst().profileId();
        String token = infrastructure.token("ws_api", "profiles:read");

        HttpResponse<String> byUser = get("/v1/identities/user_id/jane.doe@example.com", token);
        HttpResponse<String> byAnonymous = get("/v1/identities/anonymous_id/anon-jane",
                infrastructure.token("ws_api", "identity:read"));

        assertThat(byUser.statusCode()).as(byUser.body()).isEqualTo(200);
        JsonNode user = json(byUser);
        assertThat(user.path("type").asString()).isEqualTo("user_id");
        assertThat(user.path("value").asString()).isEqualTo("jane.doe@example.com");
        assertThat(user.path("profileId").asString()).isEqualTo(profileId);
        assertThat(byAnonymous.statusCode()).as(byAnonymous.body()).isEqualTo(200);
        assertThat(json(byAnonymous).path("type").asString()).isEqualTo("anonymous_id");
        assertThat(json(byAnonymous).path("profileId").asString()).isEqualTo(profileId);
    }

    @Test
    void shouldListTheIdentitiesOfAProfileWithTheirFirstEventAndSource() throws Exception {
        EventAccepted anonymous = TestEvents.track("ws_api", null, "anon-list", EARLY);
        EventAccepted identified = TestEvents.track("ws_api", "u-list", "anon-list", LATE);
        String profileId = resolve(infrastructure, anonymous).getFirst().profileId();
        resolve(infrastructure, identified);

        HttpResponse<String> response = get("/v1/profiles/" + profileId + "/identities",
                infrastructure.token("ws_api", "profiles:read"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("profileId").asString()).isEqualTo(profileId);
        JsonNode identities = body.path("identities");
        assertThat(identities.size()).isEqualTo(2);
        assertIdentity(identities.get(0), "anonymous_id", "anon-list", anonymous);
        assertIdentity(identities.get(1), "user_id", "u-list", identified);
    }

    @Test
    void shouldRecordTheEarliestEventAsFirstSeenWhenEventsArriveOutOfOrder() throws Exception {
        EventAccepted later = TestEvents.track("ws_api", "u-late-first", null, LATE);
        EventAccepted earlier = TestEvents.track("ws_api", "u-late-first", null, EARLY);
        String profileId = resolve(infrastructure, later).getFirst().profileId();
        resolve(infrastructure, earlier);

        HttpResponse<String> response = get("/v1/profiles/" + profileId + "/identities",
                infrastructure.token("ws_api", "profiles:read"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode identities = json(response).path("identities");
        assertThat(identities.size()).isEqualTo(1);
        assertIdentity(identities.get(0), "user_id", "u-late-first", earlier);
    }

    @Test
    void shouldAnswerProblemsForUnknownIdentifiersProfilesAndTypes() throws Exception {
        String token = infrastructure.token("ws_api", "profiles:read");

        assertProblem(get("/v1/identities/user_id/nobody", token), 404, "identity_not_found");
        assertProblem(get("/v1/identities/anonymous_id/nobody", token), 404, "identity_not_found");
        assertProblem(get("/v1/profiles/" + UUID.randomUUID() + "/identities", token), 404,
                "profile_not_found");
        assertProblem(get("/v1/identities/shoe_size/42", token), 404, "identity_not_found");
        assertProblem(get("/v1/identities/email/not-an-email", token), 404, "identity_not_found");
        assertProblem(get("/v1/profiles/" + UUID.randomUUID() + "/merges", token), 404, "profile_not_found");
        HttpResponse<String> badType = get("/v1/identities/Shoe%20Size/42", token);
        assertProblem(badType, 400, "invalid_identifier_type");
        assertThat(json(badType).path("supportedTypes").values()).extracting(JsonNode::asString)
                .containsExactly("user_id", "email", "phone", "device_id", "advertising_id", "anonymous_id");
    }

    @Test
    void shouldRequireABearerTokenWithAReadScope() throws Exception {
        resolve(infrastructure, TestEvents.track("ws_api", "u-scoped", null));

        assertProblem(get("/v1/identities/user_id/u-scoped", null), 401, "missing_token");
        assertProblem(get("/v1/identities/user_id/u-scoped", "not-a-jwt"), 401, "invalid_token");
        HttpResponse<String> wrongScope = get("/v1/identities/user_id/u-scoped",
                infrastructure.token("ws_api", "segments:write identity:write"));
        assertProblem(wrongScope, 403, "missing_scope");
        assertThat(json(wrongScope).path("acceptedScopes").values()).extracting(JsonNode::asString)
                .containsExactly("profiles:read", "identity:read");
        assertProblem(get("/v1/profiles/any/identities", infrastructure.token("ws_api", "segments:write")), 403,
                "missing_scope");
        assertProblem(get("/v1/profiles/any/merges", infrastructure.token("ws_api", "segments:write")), 403,
                "missing_scope");
    }

    @Test
    void shouldAnswer404ForAnotherWorkspacesIdentifiersAndProfiles() throws Exception {
        String profileId = resolve(infrastructure, TestEvents.track("ws_api", "u-private", "anon-private"))
                .getFirst().profileId();
        String owner = infrastructure.token("ws_api", "profiles:read");
        String stranger = infrastructure.token("ws_other", "profiles:read identity:read");

        assertThat(get("/v1/identities/user_id/u-private", owner).statusCode()).isEqualTo(200);
        assertThat(get("/v1/profiles/" + profileId + "/identities", owner).statusCode()).isEqualTo(200);
        assertProblem(get("/v1/identities/user_id/u-private", stranger), 404, "identity_not_found");
        assertProblem(get("/v1/identities/anonymous_id/anon-private", stranger), 404, "identity_not_found");
        assertProblem(get("/v1/profiles/" + profileId + "/identities", stranger), 404, "profile_not_found");
    }

    @Test
    void shouldAnswerTheDefaultRulesToAWorkspaceThatNeverSetAny() throws Exception {
        HttpResponse<String> response = get("/v1/identity-rules", infrastructure.token("ws_rules_default",
                "identity:read"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode rules = json(response);
        assertThat(rules.path("version").asLong()).isZero();
        assertThat(rules.path("identifiers").path("user_id").path("limit").asInt()).isEqualTo(1);
        assertThat(rules.path("identifiers").path("user_id").path("priority").asInt()).isEqualTo(1);
        assertThat(rules.path("identifiers").path("email").path("limit").asInt()).isEqualTo(5);
        assertThat(rules.path("identifiers").path("email").path("priority").asInt()).isEqualTo(2);
        assertThat(rules.path("identifiers").path("anonymous_id").path("limit").isNull()).isTrue();
        assertThat(rules.path("defaultBlockedValues").values()).extracting(JsonNode::asString)
                .contains("null", "undefined", "anonymous", "unknown", "-1");
        assertThat(rules.path("defaultBlockedPatterns").get(0).asString()).isEqualTo("^[0-]*$");
        assertThat(rules.path("caps").path("maxMergesPerProfile").asInt()).isEqualTo(100);
        assertThat(rules.path("caps").path("maxIdentifiersPerProfile").asInt()).isEqualTo(1000);
    }

    @Test
    void shouldReplaceTheRulesAndCountTheirVersions() throws Exception {
        String writer = infrastructure.token("ws_rules_put", "identity:write");
        String body = """
                {"identifiers": {"email": {"limit": 2, "priority": 3}, "crm_id": {"priority": 4}},
                 "defaultRegion": "gb", "blockedValues": ["guest"], "blockedPatterns": ["^test-"],
                 "customIdentifiers": [{"type": "crm_id", "paths": ["traits.crm_id"]}],
                 "caps": {"maxMergesPerProfile": 7}}""";

        HttpResponse<String> first = put("/v1/identity-rules", body, writer);
        HttpResponse<String> second = put("/v1/identity-rules", body, writer);
        HttpResponse<String> read = get("/v1/identity-rules", infrastructure.token("ws_rules_put", "profiles:read"));

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(json(first).path("version").asLong()).isEqualTo(1);
        assertThat(json(second).path("version").asLong()).isEqualTo(2);
        JsonNode rules = json(read);
        assertThat(rules.path("version").asLong()).isEqualTo(2);
        assertThat(rules.path("updatedAt").asString()).isNotBlank();
        assertThat(rules.path("identifiers").path("email").path("limit").asInt()).isEqualTo(2);
        assertThat(rules.path("identifiers").path("crm_id").path("priority").asInt()).isEqualTo(4);
        assertThat(rules.path("identifiers").path("user_id").path("limit").asInt()).isEqualTo(1);
        assertThat(rules.path("defaultRegion").asString()).isEqualTo("GB");
        assertThat(rules.path("blockedValues").get(0).asString()).isEqualTo("guest");
        assertThat(rules.path("customIdentifiers").get(0).path("type").asString()).isEqualTo("crm_id");
        assertThat(rules.path("caps").path("maxMergesPerProfile").asInt()).isEqualTo(7);
        assertThat(rules.path("caps").path("maxIdentifiersPerProfile").asInt()).isEqualTo(1000);
    }

    @Test
    void shouldRefuseInvalidRulesWithEveryErrorAndKeepTheOldOnes() throws Exception {
        String writer = infrastructure.token("ws_rules_bad", "identity:write");

        HttpResponse<String> invalid = put("/v1/identity-rules", """
                {"identifiers": {"email": {"limit": 0, "priority": 2}, "Bad Type": {"priority": 1}},
                 "defaultRegion": "XX", "blockedPatterns": ["(unclosed"]}""", writer);
        HttpResponse<String> malformed = put("/v1/identity-rules", "{\"caps\": ", writer);

        assertProblem(invalid, 400, "invalid_identity_rules");
        assertThat(json(invalid).path("errors").values()).extracting(e -> e.path("pointer").asString())
                .containsExactlyInAnyOrder("/identifiers/email/limit", "/identifiers/Bad Type", "/defaultRegion",
                        "/blockedPatterns/0");
        assertProblem(malformed, 400, "malformed_body");
        assertThat(json(get("/v1/identity-rules", writer)).path("version").asLong()).isZero();
    }

    @Test
    void shouldRequireTheIdentityScopesForRules() throws Exception {
        assertProblem(get("/v1/identity-rules", null), 401, "missing_token");
        assertProblem(get("/v1/identity-rules", infrastructure.token("ws_rules_scope", "segments:read")), 403,
                "missing_scope");
        assertProblem(put("/v1/identity-rules", "{}", infrastructure.token("ws_rules_scope", "identity:read")), 403,
                "missing_scope");
        assertThat(get("/v1/identity-rules", infrastructure.token("ws_rules_scope", "identity:write")).statusCode())
                .isEqualTo(200);
    }

    private static void assertIdentity(JsonNode identity, String type, String value, EventAccepted first) {
        assertThat(identity.path("type").asString()).isEqualTo(type);
        assertThat(identity.path("value").asString()).isEqualTo(value);
        assertThat(Instant.parse(identity.path("firstSeenAt").asString())).isEqualTo(first.occurredAt());
        assertThat(identity.path("eventId").asString()).isEqualTo(first.event().messageId());
        assertThat(identity.path("sourceId").asString()).isEqualTo(first.sourceId());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode body = json(response);
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("code").asString()).isEqualTo(code);
        assertThat(body.path("type").asString()).isEqualTo("https://opencdp.dev/problems/" + code);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JsonMapper.shared().readTree(response.body());
    }

    private HttpResponse<String> put(String path, String body, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
