package org.opencdp.activation.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.activation.delivery.AudienceSteps.sha256;
import static org.opencdp.activation.delivery.Peers.body;
import static org.opencdp.testsupport.ApiClient.assertProblem;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.activation.identifiers.IdentifierService;
import org.opencdp.contracts.Identifier;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.Workspaces;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 13: Meta Custom Audiences against a WireMock stub of the Graph API's {@code
 * /{audience_id}/users}: the exact request (method, path, bearer token, multi-key payload of
 * SHA-256 hashes of Meta's normal forms) and every kind of answer.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + ActivationServiceApplication.CONFIG_NAME)
class MetaAudienceIT {

    private static final Peers peers = new Peers();
    private static final WireMockServer wiremock = peers.wiremock;
    private static final String TOKEN = "EAAB-test-token-" + ThreadLocalRandom.current().nextInt(1_000_000);

    @DynamicPropertySource
    static void activationSettings(DynamicPropertyRegistry registry) {
        peers.configure(registry);
        registry.add("cdp.activation.apis.meta", () -> wiremock.baseUrl() + "/v27.0");
    }

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    IdentifierService identifiers;

    private DestinationsApi api;
    private AudienceSteps steps;
    private String audienceId;
    private String users;

    @AfterAll
    static void stopPeers() {
        peers.stop();
    }

    @BeforeEach
    void setUp() {
        String workspace = Workspaces.fresh();
        api = new DestinationsApi(port, infrastructure.token(workspace, Scopes.DESTINATIONS_WRITE));
        steps = new AudienceSteps(peers, api, identifiers, workspace);
        audienceId = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50));
        users = "/v27.0/" + audienceId + "/users";
    }

    private String createDestination() {
        return api.createAudience("meta_custom_audiences", """
                {"audienceId": "%s", "accessToken": "%s"}""".formatted(audienceId, TOKEN), steps.segment);
    }

    private List<LoggedRequest> requests() {
        return wiremock.findAll(anyRequestedFor(urlEqualTo(users)));
    }

    @Test
    void shouldAddAnEnteringProfileAndRemoveALeavingOneWithHashedNormalisedIdentifiers() throws Exception {
        wiremock.stubFor(any(urlEqualTo(users)).willReturn(okJson("""
                {"audience_id": "%s", "session_id": "1", "num_received": 1, "num_invalid_entries": 0,
                 "invalid_entry_samples": {}}""".formatted(audienceId))));
        String destinationId = createDestination();
        assertThat(api.get(destinationId).path("config").has("accessToken")).isFalse();
        // issue 14: a national number in a workspace whose phone region is GB, as identity resolved it
        String profile = steps.knownProfile("  Ann.Lee@Example.COM ", "020 7946 0958",
                List.of(new Identifier("email", "ann.lee@example.com"), new Identifier("phone", "+442079460958")));

        steps.enters(profile);
        steps.awaitStatus(destinationId, profile, "delivered");
        LoggedRequest added = requests().getFirst();
        assertThat(added.getMethod().getName()).isEqualTo("POST");
        assertThat(added.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(added.getHeader("Content-Type")).startsWith("application/json");
        assertThat(added.getUrl()).doesNotContain(TOKEN);
        JsonNode body = body(added);
        assertThat(body.propertyNames()).containsExactly("payload");
        assertThat(body.path("payload").path("schema").toString()).isEqualTo("[\"EMAIL\",\"PHONE\"]");
        // e-mail trimmed and lower-cased; phone as digits with its country code (as identity resolved it), no '+';
        // SHA-256 hex
        assertThat(body.path("payload").path("data").toString()).isEqualTo("[[\"%s\",\"%s\"]]"
                .formatted(sha256("ann.lee@example.com"), sha256("442079460958")));

        steps.exits(profile);
        steps.awaitDeliveries(destinationId, profile, 2, d -> d.path("status").asString().equals("delivered"));
        LoggedRequest removed = requests().get(1);
        assertThat(removed.getMethod().getName()).isEqualTo("DELETE");
        assertThat(removed.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(body(removed)).isEqualTo(body);
    }

    @Test
    void shouldSendOneRowPerEmailAndPhonePairOfAProfile() throws Exception {
        wiremock.stubFor(post(urlEqualTo(users)).willReturn(okJson("{\"num_received\": 2}")));
        String destinationId = createDestination();
        String profile = steps.knownProfile("first@example.com", null);
        steps.identify(profile, "second@example.com", "+16502530000");
        steps.awaitKnown(profile, 2);
        steps.enters(profile);
        steps.awaitStatus(destinationId, profile, "delivered");

        JsonNode data = body(requests().getFirst()).path("payload").path("data");
        assertThat(data.size()).isEqualTo(2);
        assertThat(data.valueStream().map(row -> row.get(0).asString()).toList())
                .containsExactlyInAnyOrder(sha256("first@example.com"), sha256("second@example.com"));
        assertThat(data.valueStream().map(row -> row.get(1).asString()).toList())
                .containsExactlyInAnyOrder(sha256("16502530000"), "");
    }

    @Test
    void shouldDeadLetterAtOnceWhenMetaRefusesTheRequest() {
        wiremock.stubFor(post(urlEqualTo(users)).willReturn(aResponse().withStatus(400).withHeader("Content-Type",
                "application/json").withBody("""
                {"error": {"message": "(#100) Invalid parameter\\u0007", "type": "OAuthException", "code": 100,
                           "error_subcode": 1713230, "fbtrace_id": "A1"}}""")));
        String destinationId = createDestination();
        String profile = steps.knownProfile("refused@example.com", null);
        steps.awaitKnown(profile, 1);

        steps.enters(profile);
        JsonNode dead = steps.awaitStatus(destinationId, profile, "dead");
        assertThat(dead.path("attempts").asInt()).isEqualTo(1);
        assertThat(dead.path("lastError").asString()).isEqualTo("HTTP 400: (#100) Invalid parameter");
        assertThat(requests()).hasSize(1);
    }

    @Test
    void shouldDeadLetterAtOnceWhenTheTokenIsRefused() {
        wiremock.stubFor(post(urlEqualTo(users)).willReturn(aResponse().withStatus(401).withHeader("Content-Type",
                "application/json").withBody("""
                {"error": {"message": "Error validating access token", "type": "OAuthException", "code": 190}}""")));
        String destinationId = createDestination();
        String profile = steps.knownProfile("token@example.com", null);
        steps.awaitKnown(profile, 1);

        steps.enters(profile);
        JsonNode dead = steps.awaitStatus(destinationId, profile, "dead");
        assertThat(dead.path("lastError").asString()).isEqualTo("HTTP 401: (#190) Error validating access token");
        assertThat(requests()).hasSize(1);
    }

    @Test
    void shouldRetryWhenThrottledWithRetryAfterOrByAThrottlingErrorCodeAndOnServerErrors() {
        stubSequence(aResponse().withStatus(429).withHeader("Retry-After", "1"),
                aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"message": "User request limit reached", "code": 17}}"""),
                aResponse().withStatus(503).withBody("unavailable"));
        String destinationId = createDestination();
        String profile = steps.knownProfile("busy@example.com", null);
        steps.awaitKnown(profile, 1);

        steps.enters(profile);
        JsonNode delivered = steps.awaitStatus(destinationId, profile, "delivered");
        assertThat(delivered.path("attempts").asInt()).isEqualTo(4);
        assertThat(requests()).hasSize(4);
        assertThat(requests()).extracting(r -> body(r).toString()).containsOnly(body(requests().getFirst()).toString());
    }

    @Test
    void shouldWaitForAnEmailOrPhoneBeforeSendingAProfile() throws Exception {
        wiremock.stubFor(post(urlEqualTo(users)).willReturn(okJson("{\"num_received\": 1}")));
        String destinationId = createDestination();
        String profile = steps.newProfile();

        steps.enters(profile);
        JsonNode waiting = steps.awaitDeliveries(destinationId, profile, 1,
                d -> d.path("lastError").asString("").contains("no e-mail or phone")).getFirst();
        assertThat(waiting.path("status").asString()).isEqualTo("pending");
        assertThat(requests()).isEmpty();

        steps.identify(profile, "late@example.com", null);
        steps.awaitStatus(destinationId, profile, "delivered");
        assertThat(body(requests().getFirst()).path("payload").path("data").get(0).get(0).asString())
                .isEqualTo(sha256("late@example.com"));
    }

    @Test
    void shouldRefuseAConfigurationWithoutAnAudienceOrTokenAndEventSubscriptions() {
        var missing = api.create("meta_custom_audiences", """
                {"audienceId": "act_12", "region": "eu"}""", "[]", "[\"seg-1\"]");
        assertThat(pointers(missing)).containsExactlyInAnyOrder("/config/audienceId", "/config/accessToken",
                "/config/region");

        var events = api.create("meta_custom_audiences", """
                {"audienceId": "12", "accessToken": "t"}""", "[\"Order Completed\"]", "[\"seg-1\"]");
        assertThat(pointers(events)).containsExactly("/subscriptions/events");
    }

    static List<String> pointers(java.net.http.HttpResponse<String> response) {
        return assertProblem(response, 400, "invalid_destination_config").path("errors").valueStream()
                .map(error -> error.path("pointer").asString()).toList();
    }

    private void stubSequence(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder... failures) {
        String scenario = "meta-" + audienceId;
        String state = Scenario.STARTED;
        for (int i = 0; i < failures.length; i++) {
            wiremock.stubFor(post(urlEqualTo(users)).inScenario(scenario).whenScenarioStateIs(state)
                    .willReturn(failures[i]).willSetStateTo("failure-" + i));
            state = "failure-" + i;
        }
        wiremock.stubFor(post(urlEqualTo(users)).inScenario(scenario).whenScenarioStateIs(state)
                .willReturn(okJson("{\"num_received\": 1}")));
    }
}
