package org.opencdp.activation.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.opencdp.activation.delivery.AudienceSteps.sha256;
import static org.opencdp.activation.delivery.MetaAudienceIT.pointers;
import static org.opencdp.activation.delivery.Peers.body;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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
 * Issue 13: Google Ads Customer Match against WireMock stubs of Google's OAuth token endpoint and the
 * Ads REST API: the offline user data job flow (create, addOperations, run) with its exact requests
 * (developer token, bearer from the refresh token, login-customer-id, hashed identifiers) and every
 * kind of answer. Each test has its own customer id, so its calls are told apart by path.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + ActivationServiceApplication.CONFIG_NAME)
class GoogleCustomerMatchIT {

    private static final Peers peers = new Peers();
    private static final WireMockServer wiremock = peers.wiremock;
    private static final String DEVELOPER_TOKEN = "dev-" + UUID.randomUUID();

    @DynamicPropertySource
    static void activationSettings(DynamicPropertyRegistry registry) {
        peers.configure(registry);
        registry.add("cdp.activation.apis.google-ads", () -> wiremock.baseUrl() + "/v26");
        registry.add("cdp.activation.apis.google-oauth-token", () -> wiremock.baseUrl() + "/oauth2/token");
    }

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    @Autowired
    IdentifierService identifiers;

    private DestinationsApi api;
    private AudienceSteps steps;
    private String customer;
    private String refreshToken;
    private String accessToken;
    private String job;

    @AfterAll
    static void stopPeers() {
        peers.stop();
    }

    @BeforeEach
    void setUp() {
        String workspace = Workspaces.fresh();
        api = new DestinationsApi(port, infrastructure.token(workspace, Scopes.DESTINATIONS_WRITE));
        steps = new AudienceSteps(peers, api, identifiers, workspace);
        customer = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_999_999_999L));
        refreshToken = "1//refresh-" + UUID.randomUUID();
        accessToken = "ya29.access-" + UUID.randomUUID();
        job = "customers/" + customer + "/offlineUserDataJobs/" + ThreadLocalRandom.current().nextLong(1, 1L << 40);
        wiremock.stubFor(post(urlEqualTo("/oauth2/token")).withRequestBody(containing("refresh_token="
                + java.net.URLEncoder.encode(refreshToken, java.nio.charset.StandardCharsets.UTF_8)))
                .willReturn(okJson("""
                        {"access_token": "%s", "expires_in": 3599, "scope": "https://www.googleapis.com/auth/adwords",
                         "token_type": "Bearer"}""".formatted(accessToken))));
    }

    private String createDestination() {
        String formatted = customer.substring(0, 3) + "-" + customer.substring(3, 6) + "-" + customer.substring(6);
        return api.createAudience("google_ads_customer_match", """
                {"customerId": "%s", "userListId": "4242", "loginCustomerId": "111-222-3333", "clientId": "client-1",
                 "developerToken": "%s", "clientSecret": "shh", "refreshToken": "%s"}"""
                .formatted(formatted, DEVELOPER_TOKEN, refreshToken), steps.segment);
    }

    private String create() {
        return "/v26/customers/" + customer + "/offlineUserDataJobs:create";
    }

    private String addOperations() {
        return "/v26/" + job + ":addOperations";
    }

    private String run() {
        return "/v26/" + job + ":run";
    }

    private List<LoggedRequest> requests(String path) {
        return wiremock.findAll(postRequestedFor(urlEqualTo(path)));
    }

    /** Each path answers with its sequence, the last answer from then on. */
    private void answers(String path, ResponseDefinitionBuilder... sequence) {
        String scenario = path;
        String state = Scenario.STARTED;
        for (int i = 0; i < sequence.length; i++) {
            String next = i == sequence.length - 1 ? state : "step-" + i;
            wiremock.stubFor(post(urlEqualTo(path)).inScenario(scenario).whenScenarioStateIs(state)
                    .willReturn(sequence[i]).willSetStateTo(next));
            state = next;
        }
    }

    private void healthyApi() {
        answers(create(), okJson("{\"resourceName\": \"" + job + "\"}"));
        answers(addOperations(), okJson("{}"));
        answers(run(), okJson("{\"name\": \"customers/" + customer + "/operations/1\"}"));
    }

    private static ResponseDefinitionBuilder googleError(int status, String code, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody("""
                {"error": {"code": %d, "message": "%s", "status": "%s"}}""".formatted(status, message, code));
    }

    @Test
    void shouldCreateAddAndRunAJobWithHashedIdentifiersForEntriesAndExits() throws Exception {
        healthyApi();
        String destinationId = createDestination();
        JsonNode stored = api.get(destinationId).path("config");
        assertThat(stored.has("refreshToken") || stored.has("developerToken") || stored.has("clientSecret")).isFalse();
        String profile = steps.knownProfile(" Jo.Ann@GMail.com ", "+44 20 7946 0958");
        steps.awaitKnown(profile, 2);

        steps.enters(profile);
        steps.awaitStatus(destinationId, profile, "delivered");

        LoggedRequest created = requests(create()).getFirst();
        assertThat(created.getHeader("developer-token")).isEqualTo(DEVELOPER_TOKEN);
        assertThat(created.getHeader("Authorization")).isEqualTo("Bearer " + accessToken);
        assertThat(created.getHeader("login-customer-id")).isEqualTo("1112223333");
        assertThat(body(created).toString()).isEqualTo("""
                {"job":{"type":"CUSTOMER_MATCH_USER_LIST","customerMatchUserListMetadata":\
                {"userList":"customers/%s/userLists/4242"}}}""".formatted(customer));
        LoggedRequest added = requests(addOperations()).getFirst();
        assertThat(added.getHeader("developer-token")).isEqualTo(DEVELOPER_TOKEN);
        assertThat(added.getHeader("Authorization")).isEqualTo("Bearer " + accessToken);
        // e-mail trimmed, lower-cased, gmail dots removed; phone in E.164 with its '+'; SHA-256 hex
        assertThat(body(added).toString()).isEqualTo("""
                {"operations":[{"create":{"userIdentifiers":[{"hashedEmail":"%s"},{"hashedPhoneNumber":"%s"}]}}]}"""
                .formatted(sha256("joann@gmail.com"), sha256("+442079460958")));
        assertThat(requests(run())).hasSize(1);
        LoggedRequest token = wiremock.findAll(postRequestedFor(urlEqualTo("/oauth2/token"))
                .withRequestBody(containing("client_id=client-1"))).getFirst();
        assertThat(token.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(token.getBodyAsString()).contains("grant_type=refresh_token", "client_secret=shh");

        steps.exits(profile);
        steps.awaitDeliveries(destinationId, profile, 2, d -> d.path("status").asString().equals("delivered"));
        assertThat(body(requests(addOperations()).get(1)).path("operations").get(0).has("remove")).isTrue();
        assertThat(requests(run())).hasSize(2);
    }

    @Test
    void shouldDeadLetterAtOnceWhenGoogleRefusesTheOperations() {
        answers(create(), okJson("{\"resourceName\": \"" + job + "\"}"));
        answers(addOperations(), googleError(400, "INVALID_ARGUMENT", "Request contains an invalid argument."));
        String destinationId = createDestination();
        String profile = steps.knownProfile("bad@example.com", null);
        steps.awaitKnown(profile, 1);

        steps.enters(profile);
        JsonNode dead = steps.awaitStatus(destinationId, profile, "dead");
        assertThat(dead.path("lastError").asString())
                .isEqualTo("HTTP 400: INVALID_ARGUMENT: Request contains an invalid argument.");
        assertThat(dead.path("attempts").asInt()).isEqualTo(1);
        assertThat(requests(run())).isEmpty();
    }

    @Test
    void shouldDeadLetterAtOnceWhenTheCredentialsAreRefused() {
        answers(create(), googleError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."));
        String destinationId = createDestination();
        String profile = steps.knownProfile("auth@example.com", null);
        steps.awaitKnown(profile, 1);

        steps.enters(profile);
        assertThat(steps.awaitStatus(destinationId, profile, "dead").path("lastError").asString())
                .isEqualTo("HTTP 401: UNAUTHENTICATED: Request had invalid authentication credentials.");
    }

    @Test
    void shouldDeadLetterAtOnceWhenTheRefreshTokenIsRevoked() {
        wiremock.stubFor(post(urlEqualTo("/oauth2/token")).withRequestBody(containing("client_id=revoked"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\": \"invalid_grant\", \"error_description\": \"Token has been expired or revoked.\"}")));
        String destinationId = api.createAudience("google_ads_customer_match", """
                {"customerId": "%s", "userListId": "4242", "clientId": "revoked", "developerToken": "d",
                 "clientSecret": "s", "refreshToken": "r"}""".formatted(customer), steps.segment);
        String profile = steps.knownProfile("revoked@example.com", null);
        steps.awaitKnown(profile, 1);

        steps.enters(profile);
        assertThat(steps.awaitStatus(destinationId, profile, "dead").path("lastError").asString())
                .isEqualTo("HTTP 400: OAuth token: invalid_grant Token has been expired or revoked.");
        assertThat(requests(create())).isEmpty();
    }

    @Test
    void shouldRetryOnQuotaWithRetryAfterConcurrentModificationAndServerErrors() {
        answers(create(), googleError(429, "RESOURCE_EXHAUSTED", "Too many requests.").withHeader("Retry-After", "1"),
                googleError(409, "ABORTED", "Multiple requests were attempting to modify the same resource."),
                okJson("{\"resourceName\": \"" + job + "\"}"));
        answers(addOperations(), okJson("{}"));
        answers(run(), googleError(503, "UNAVAILABLE", "The service is currently unavailable."),
                okJson("{\"name\": \"op\"}"));
        String destinationId = createDestination();
        String profile = steps.knownProfile("retry@example.com", null);
        steps.awaitKnown(profile, 1);

        steps.enters(profile);
        assertThat(steps.awaitStatus(destinationId, profile, "delivered").path("attempts").asInt()).isEqualTo(4);
        assertThat(requests(run())).hasSize(2);
    }

    @Test
    void shouldRefuseAConfigurationWithABadCustomerIdAndMissingCredentials() {
        assertThat(pointers(api.create("google_ads_customer_match", """
                {"customerId": "12-34", "userListId": "list", "clientId": "c"}""", "[]", "[\"seg-1\"]")))
                .containsExactlyInAnyOrder("/config/customerId", "/config/userListId", "/config/developerToken",
                        "/config/clientSecret", "/config/refreshToken");
    }
}
