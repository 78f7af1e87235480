package org.opencdp.activation.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.activation.delivery.MetaAudienceIT.pointers;
import static org.opencdp.activation.delivery.Peers.body;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.activation.identifiers.IdentifierService;
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
 * Issue 13: HubSpot contacts batch upsert against a WireMock stub of {@code
 * /crm/v3/objects/contacts/batch/upsert}: the exact request (bearer token, upsert by e-mail, the
 * membership property) and every kind of answer, 207 included. Each test uses its own property name,
 * so the stub's requests of one test are told apart by it.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + ActivationServiceApplication.CONFIG_NAME)
class HubSpotIT {

    private static final String UPSERT = "/crm/v3/objects/contacts/batch/upsert";
    private static final String TOKEN = "pat-eu1-" + UUID.randomUUID();
    private static final Peers peers = new Peers();
    private static final WireMockServer wiremock = peers.wiremock;

    @DynamicPropertySource
    static void activationSettings(DynamicPropertyRegistry registry) {
        peers.configure(registry);
        registry.add("cdp.activation.apis.hubspot", wiremock::baseUrl);
    }

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    IdentifierService identifiers;

    private DestinationsApi api;
    private AudienceSteps steps;
    private String property;

    @AfterAll
    static void stopPeers() {
        peers.stop();
    }

    @BeforeEach
    void setUp() {
        String workspace = Workspaces.fresh();
        api = new DestinationsApi(port, infrastructure.token(workspace, Scopes.DESTINATIONS_WRITE));
        steps = new AudienceSteps(peers, api, identifiers, workspace);
        property = "opencdp_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private String createDestination() {
        return api.createAudience("hubspot", """
                {"accessToken": "%s", "membershipProperty": "%s"}""".formatted(TOKEN, property), steps.segment);
    }

    private List<LoggedRequest> requests() {
        return wiremock.findAll(postRequestedFor(urlEqualTo(UPSERT)).withRequestBody(containing(property)));
    }

    private void answers(ResponseDefinitionBuilder... sequence) {
        String scenario = "hubspot-" + property;
        String state = Scenario.STARTED;
        for (int i = 0; i < sequence.length; i++) {
            String next = i == sequence.length - 1 ? state : "step-" + i;
            wiremock.stubFor(post(urlEqualTo(UPSERT)).withRequestBody(containing(property)).inScenario(scenario)
                    .whenScenarioStateIs(state).willReturn(sequence[i]).willSetStateTo(next));
            state = next;
        }
    }

    private static ResponseDefinitionBuilder done() {
        return okJson("{\"status\": \"COMPLETE\", \"results\": []}");
    }

    @Test
    void shouldUpsertTheContactByEmailWithTheMembershipPropertyOnEntryAndExit() {
        answers(done());
        String destinationId = createDestination();
        assertThat(api.get(destinationId).path("config").has("accessToken")).isFalse();
        String profile = steps.knownProfile(" Bo@Example.com", "+16502530000");

        steps.enters(profile);
        steps.awaitStatus(destinationId, profile, "delivered");
        LoggedRequest entered = requests().getFirst();
        assertThat(entered.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(entered.getHeader("Content-Type")).startsWith("application/json");
        assertThat(body(entered).toString()).isEqualTo("""
                {"inputs":[{"idProperty":"email","id":"bo@example.com","properties":{"email":"bo@example.com","%s":"true"}}]}"""
                .formatted(property));

        steps.exits(profile);
        steps.awaitDeliveries(destinationId, profile, 2, d -> d.path("status").asString().equals("delivered"));
        assertThat(body(requests().get(1)).path("inputs").get(0).path("properties").path(property).asString())
                .isEqualTo("false");
    }

    @Test
    void shouldDeliverWhatA207AcceptsAndDeadLetterWhatItRefuses() {
        answers(aResponse().withStatus(207).withHeader("Content-Type", "application/json").withBody("""
                {"status": "COMPLETE", "results": [{"id": "1", "properties": {}}], "numErrors": 1,
                 "errors": [{"status": "error", "category": "VALIDATION_ERROR", "message": "Email address is invalid",
                             "context": {"ids": ["odd@example.com"]}}]}"""));
        String destinationId = createDestination();
        String good = steps.knownProfile("good@example.com", null);
        String odd = steps.knownProfile("odd@example.com", null);
        steps.awaitKnown(good, 1);
        steps.awaitKnown(odd, 1);

        steps.enters(good);
        steps.enters(odd);
        steps.awaitStatus(destinationId, good, "delivered");
        JsonNode dead = steps.awaitStatus(destinationId, odd, "dead");
        assertThat(dead.path("lastError").asString()).isEqualTo("HTTP 207: Email address is invalid");
    }

    @Test
    void shouldDeadLetterAtOnceOnABadRequestOrARefusedToken() {
        answers(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody("""
                {"status": "error", "message": "Property values were not valid", "category": "VALIDATION_ERROR"}"""),
                aResponse().withStatus(401).withHeader("Content-Type", "application/json").withBody("""
                {"status": "error", "message": "Authentication credentials not found.", "category": "INVALID_AUTHENTICATION"}"""));
        String destinationId = createDestination();
        String first = steps.knownProfile("first@example.com", null);
        steps.enters(first);
        assertThat(steps.awaitStatus(destinationId, first, "dead").path("lastError").asString())
                .isEqualTo("HTTP 400: Property values were not valid");

        String second = steps.knownProfile("second@example.com", null);
        steps.awaitKnown(second, 1);
        steps.enters(second);
        JsonNode dead = steps.awaitStatus(destinationId, second, "dead");
        assertThat(dead.path("lastError").asString()).isEqualTo("HTTP 401: Authentication credentials not found.");
        assertThat(dead.path("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void shouldRetryOnRateLimitsWithRetryAfterAndOnServerErrors() {
        answers(aResponse().withStatus(429).withHeader("Retry-After", "1").withBody("""
                {"status": "error", "message": "You have reached your secondly limit.", "category": "RATE_LIMITS"}"""),
                aResponse().withStatus(502).withBody("Bad gateway"), done());
        String destinationId = createDestination();
        String profile = steps.knownProfile("busy@example.com", null);
        steps.awaitKnown(profile, 1);

        steps.enters(profile);
        assertThat(steps.awaitStatus(destinationId, profile, "delivered").path("attempts").asInt()).isEqualTo(3);
        assertThat(requests()).hasSize(3);
    }

    @Test
    void shouldWaitForAnEmailWhenTheProfileHasOnlyAPhone() {
        answers(done());
        String destinationId = createDestination();
        String profile = steps.knownProfile(null, "+16502530000");
        steps.awaitKnown(profile, 1);

        steps.enters(profile);
        JsonNode waiting = steps.awaitDeliveries(destinationId, profile, 1,
                d -> d.path("lastError").asString("").contains("no e-mail known")).getFirst();
        assertThat(waiting.path("status").asString()).isEqualTo("pending");
        assertThat(requests()).isEmpty();
    }

    @Test
    void shouldRefuseAConfigurationWithoutATokenOrWithABadPropertyName() {
        assertThat(pointers(api.create("hubspot", """
                {"membershipProperty": "Has Spaces"}""", "[]", "[\"seg-1\"]")))
                .containsExactlyInAnyOrder("/config/accessToken", "/config/membershipProperty");
    }
}
