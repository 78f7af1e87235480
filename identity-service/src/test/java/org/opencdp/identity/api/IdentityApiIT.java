package org.opencdp.identity.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.identity.ResolvedEvents.resolve;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.body;
import static org.opencdp.testsupport.ApiClient.json;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.identity.IdentityServiceApplication;
import org.opencdp.identity.ResolvedEvents;
import org.opencdp.identity.TestEvents;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@CdpIntegrationTest
@SpringBootTest(classes = IdentityServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=identity-service")
class IdentityApiIT {

    private static final Instant EARLY = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant LATE = Instant.parse("2025-03-02T18:30:00.123456Z");

    /** Partitions of the contract topics under test (cdp.kit.kafka.partitions of the test infrastructure). */
    private static final int PARTITIONS = 3;

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @LocalServerPort
    int port;

    private ApiClient api;

    @BeforeEach
    void listenersOwnTheEventsTopic() {
        ResolvedEvents.awaitListenersAssigned(listeners, PARTITIONS);
        api = ApiClient.onPort(port);
    }

    @Test
    void shouldFindTheProfileOfAUserIdAndOfAnAnonymousId() {
        String profileId = resolve(infrastructure, TestEvents.track("ws_api", "jane.doe@example.com", "anon-jane"))
                .getFirst().profileId();
        String token = infrastructure.token("ws_api", "profiles:read");

        JsonNode user = body(api.get("/v1/identities/user_id/jane.doe@example.com", token), 200);
        JsonNode anonymous = body(api.get("/v1/identities/anonymous_id/anon-jane",
                infrastructure.token("ws_api", "identity:read")), 200);

        assertThat(user.path("type").asString()).isEqualTo("user_id");
        assertThat(user.path("value").asString()).isEqualTo("jane.doe@example.com");
        assertThat(user.path("profileId").asString()).isEqualTo(profileId);
        assertThat(anonymous.path("type").asString()).isEqualTo("anonymous_id");
        assertThat(anonymous.path("profileId").asString()).isEqualTo(profileId);
    }

    @Test
    void shouldFindTheProfileWithTheIdentifierInTheQueryOrTheBodyInsteadOfThePath() {
        String profileId = resolve(infrastructure, TestEvents.track("ws_api_body", "u-private-path", "anon-private-path"))
                .getFirst().profileId();
        String token = infrastructure.token("ws_api_body", "profiles:read");

        JsonNode byQuery = body(api.get("/v1/identities/lookup?type=user_id&value=u-private-path", token), 200);
        JsonNode byBody = body(api.post("/v1/identities/lookup", token,
                Map.of("type", "anonymous_id", "value", "anon-private-path")), 200);

        assertThat(byQuery.path("profileId").asString()).isEqualTo(profileId);
        assertThat(byBody.path("profileId").asString()).isEqualTo(profileId);
        assertProblem(api.post("/v1/identities/lookup", token, Map.of("type", "user_id")), 400, "invalid_parameter");
        assertProblem(api.get("/v1/identities/lookup?value=x", token), 400, "invalid_parameter");
        assertProblem(api.post("/v1/identities/lookup", token, Map.of("type", "user_id", "value", "nobody")), 404,
                "identity_not_found");
        assertProblem(api.post("/v1/identities/lookup", infrastructure.token("ws_other_body", "profiles:read"),
                Map.of("type", "user_id", "value", "u-private-path")), 404, "identity_not_found");
        assertProblem(api.post("/v1/identities/lookup", infrastructure.token("ws_api_body", "segments:read"),
                Map.of("type", "user_id", "value", "u-private-path")), 403, "missing_scope");
    }

    @Test
    void shouldListTheIdentitiesOfAProfileWithTheirFirstEventAndSource() {
        EventAccepted anonymous = TestEvents.track("ws_api", null, "anon-list", EARLY);
        EventAccepted identified = TestEvents.track("ws_api", "u-list", "anon-list", LATE);
        String profileId = resolve(infrastructure, anonymous).getFirst().profileId();
        resolve(infrastructure, identified);

        JsonNode body = body(api.get("/v1/profiles/" + profileId + "/identities",
                infrastructure.token("ws_api", "profiles:read")), 200);

        assertThat(body.path("profileId").asString()).isEqualTo(profileId);
        JsonNode identities = body.path("identities");
        assertThat(identities.size()).isEqualTo(2);
        assertIdentity(identities.get(0), "anonymous_id", "anon-list", anonymous);
        assertIdentity(identities.get(1), "user_id", "u-list", identified);
    }

    @Test
    void shouldRecordTheEarliestEventAsFirstSeenWhenEventsArriveOutOfOrder() {
        EventAccepted later = TestEvents.track("ws_api", "u-late-first", null, LATE);
        EventAccepted earlier = TestEvents.track("ws_api", "u-late-first", null, EARLY);
        String profileId = resolve(infrastructure, later).getFirst().profileId();
        resolve(infrastructure, earlier);

        JsonNode identities = body(api.get("/v1/profiles/" + profileId + "/identities",
                infrastructure.token("ws_api", "profiles:read")), 200).path("identities");
        assertThat(identities.size()).isEqualTo(1);
        assertIdentity(identities.get(0), "user_id", "u-late-first", earlier);
    }

    @Test
    void shouldAnswerProblemsForUnknownIdentifiersProfilesAndTypes() {
        String token = infrastructure.token("ws_api", "profiles:read");

        assertProblem(api.get("/v1/identities/user_id/nobody", token), 404, "identity_not_found");
        assertProblem(api.get("/v1/identities/anonymous_id/nobody", token), 404, "identity_not_found");
        assertProblem(api.get("/v1/profiles/" + UUID.randomUUID() + "/identities", token), 404,
                "profile_not_found");
        assertProblem(api.get("/v1/identities/shoe_size/42", token), 404, "identity_not_found");
        assertProblem(api.get("/v1/identities/email/not-an-email", token), 404, "identity_not_found");
        assertProblem(api.get("/v1/profiles/" + UUID.randomUUID() + "/merges", token), 404, "profile_not_found");
        JsonNode badType = assertProblem(api.get("/v1/identities/Shoe%20Size/42", token), 400,
                "invalid_identifier_type");
        assertThat(badType.path("supportedTypes").values()).extracting(JsonNode::asString)
                .containsExactly("user_id", "email", "phone", "device_id", "advertising_id", "anonymous_id");
    }

    @Test
    void shouldRequireABearerTokenWithAReadScope() {
        resolve(infrastructure, TestEvents.track("ws_api", "u-scoped", null));

        assertProblem(api.get("/v1/identities/user_id/u-scoped", null), 401, "missing_token");
        assertProblem(api.get("/v1/identities/user_id/u-scoped", "not-a-jwt"), 401, "invalid_token");
        JsonNode wrongScope = assertProblem(api.get("/v1/identities/user_id/u-scoped",
                infrastructure.token("ws_api", "segments:write identity:write")), 403, "missing_scope");
        assertThat(wrongScope.path("acceptedScopes").values()).extracting(JsonNode::asString)
                .containsExactly("profiles:read", "identity:read");
        assertProblem(api.get("/v1/profiles/any/identities", infrastructure.token("ws_api", "segments:write")), 403,
                "missing_scope");
        assertProblem(api.get("/v1/profiles/any/merges", infrastructure.token("ws_api", "segments:write")), 403,
                "missing_scope");
    }

    @Test
    void shouldAnswer404ForAnotherWorkspacesIdentifiersAndProfiles() {
        String profileId = resolve(infrastructure, TestEvents.track("ws_api", "u-private", "anon-private"))
                .getFirst().profileId();
        String owner = infrastructure.token("ws_api", "profiles:read");
        String stranger = infrastructure.token("ws_other", "profiles:read identity:read");

        assertThat(api.get("/v1/identities/user_id/u-private", owner).statusCode()).isEqualTo(200);
        assertThat(api.get("/v1/profiles/" + profileId + "/identities", owner).statusCode()).isEqualTo(200);
        assertProblem(api.get("/v1/identities/user_id/u-private", stranger), 404, "identity_not_found");
        assertProblem(api.get("/v1/identities/anonymous_id/anon-private", stranger), 404, "identity_not_found");
        assertProblem(api.get("/v1/profiles/" + profileId + "/identities", stranger), 404, "profile_not_found");
    }

    @Test
    void shouldAnswerTheDefaultRulesToAWorkspaceThatNeverSetAny() {
        JsonNode rules = body(api.get("/v1/identity-rules", infrastructure.token("ws_rules_default",
                "identity:read")), 200);

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
    void shouldReplaceTheRulesAndCountTheirVersions() {
        String writer = infrastructure.token("ws_rules_put", "identity:write");
        String body = """
                {"identifiers": {"email": {"limit": 2, "priority": 3}, "crm_id": {"priority": 4}},
                 "defaultRegion": "gb", "blockedValues": ["guest"], "blockedPatterns": ["^test-"],
                 "customIdentifiers": [{"type": "crm_id", "paths": ["traits.crm_id"]}],
                 "caps": {"maxMergesPerProfile": 7}}""";

        JsonNode first = body(api.put("/v1/identity-rules", writer, body), 200);
        JsonNode second = body(api.put("/v1/identity-rules", writer, body), 200);
        JsonNode rules = body(api.get("/v1/identity-rules", infrastructure.token("ws_rules_put", "profiles:read")), 200);

        assertThat(first.path("version").asLong()).isEqualTo(1);
        assertThat(second.path("version").asLong()).isEqualTo(2);
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
    void shouldRefuseInvalidRulesWithEveryErrorAndKeepTheOldOnes() {
        String writer = infrastructure.token("ws_rules_bad", "identity:write");

        JsonNode invalid = assertProblem(api.put("/v1/identity-rules", writer, """
                {"identifiers": {"email": {"limit": 0, "priority": 2}, "Bad Type": {"priority": 1}},
                 "defaultRegion": "XX", "blockedPatterns": ["(unclosed"]}"""), 400, "invalid_identity_rules");
        HttpResponse<String> malformed = api.put("/v1/identity-rules", writer, "{\"caps\": ");

        assertThat(invalid.path("errors").values()).extracting(e -> e.path("pointer").asString())
                .containsExactlyInAnyOrder("/identifiers/email/limit", "/identifiers/Bad Type", "/defaultRegion",
                        "/blockedPatterns/0");
        assertProblem(malformed, 400, "malformed_body");
        assertThat(json(api.get("/v1/identity-rules", writer)).path("version").asLong()).isZero();
    }

    @Test
    void shouldRequireTheIdentityScopesForRules() {
        assertProblem(api.get("/v1/identity-rules", null), 401, "missing_token");
        assertProblem(api.get("/v1/identity-rules", infrastructure.token("ws_rules_scope", "segments:read")), 403,
                "missing_scope");
        assertProblem(api.put("/v1/identity-rules", infrastructure.token("ws_rules_scope", "identity:read"), "{}"), 403,
                "missing_scope");
        assertThat(api.get("/v1/identity-rules", infrastructure.token("ws_rules_scope", "identity:write")).statusCode())
                .isEqualTo(200);
    }

    private static void assertIdentity(JsonNode identity, String type, String value, EventAccepted first) {
        assertThat(identity.path("type").asString()).isEqualTo(type);
        assertThat(identity.path("value").asString()).isEqualTo(value);
        assertThat(Instant.parse(identity.path("firstSeenAt").asString())).isEqualTo(first.occurredAt());
        assertThat(identity.path("eventId").asString()).isEqualTo(first.event().messageId());
        assertThat(identity.path("sourceId").asString()).isEqualTo(first.sourceId());
    }
}
