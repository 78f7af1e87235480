package org.opencdp.activation.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.activation.delivery.Peers.body;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.activation.identifiers.IdentifierService;
import org.opencdp.contracts.ConsentChanged;
import org.opencdp.contracts.EventResolved;
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
 * Issue 12: the race between consent-service and activation, which consume the same resolved
 * events (consent-service is a WireMock stub answering as it would before and after recording the
 * event), and withdrawal → removal at an audience destination (HubSpot's stub).
 */
@CdpIntegrationTest
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + ActivationServiceApplication.CONFIG_NAME)
class ConsentRaceIT {

    private static final String UPSERT = "/crm/v3/objects/contacts/batch/upsert";
    private static final Peers peers = new Peers();
    private static final WireMockServer wiremock = peers.wiremock;
    private static final ConsentServiceStub consent = peers.consent;

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
    private String workspace;
    private String profile;
    private String hook;

    @AfterAll
    static void stopPeers() {
        peers.stop();
    }

    @BeforeEach
    void setUp() {
        workspace = Workspaces.fresh();
        api = new DestinationsApi(port, infrastructure.token(workspace, Scopes.DESTINATIONS_WRITE));
        steps = new AudienceSteps(peers, api, identifiers, workspace);
        profile = "p-" + UUID.randomUUID();
        hook = Peers.newHook();
        peers.accepts(hook);
    }

    private String webhook() {
        return api.createWebhook(peers.url(hook), "whsec_" + UUID.randomUUID(), "[\"Signed Up\"]", "[]", true);
    }

    /** A "Signed Up" event of the profile whose own consent preferences say {@code marketing}. */
    private EventResolved signedUp(boolean marketing) {
        EventResolved message = TestMessages.track(workspace, profile, "Signed Up");
        message.event().context().putObject("consent").putObject("categoryPreferences").put("marketing", marketing);
        return message;
    }

    private JsonNode awaitDelivery(String destinationId, String status) {
        return steps.awaitStatus(destinationId, profile, status);
    }

    @Test
    void shouldNotDeliverAnEventWhoseOwnPreferencesDenyItBeforeConsentServiceRecordedThem() {
        String destinationId = webhook();
        consent.decides(profile, "allow", "dec-old-grant", "granted"); // not yet told of the event

        peers.upstream().send(signedUp(false));

        JsonNode blocked = awaitDelivery(destinationId, "blocked_by_consent");
        assertThat(blocked.path("lastError").asString()).contains("event's own consent preferences deny 'marketing'");
        assertThat(peers.requests(hook)).isEmpty();
        assertThat(consent.requests(profile)).as("a denial in the event needs no question").isEmpty();
    }

    @Test
    void shouldPostponeAnEventGrantingConsentUntilConsentServiceRecordedIt() {
        String destinationId = webhook();
        // activation first: consent-service does not know the new profile yet
        consent.decides(profile, "deny", "dec-unknown", "default_denied");

        peers.upstream().send(signedUp(true));

        await().atMost(AudienceSteps.TIMEOUT).until(() -> consent.requests(profile).size() >= 2);
        JsonNode waiting = steps.awaitDeliveries(destinationId, profile, 1, d -> true).getFirst();
        assertThat(waiting.path("status").asString()).isEqualTo("pending");
        assertThat(waiting.path("lastError").asString()).contains("waiting for consent-service");
        assertThat(peers.requests(hook)).isEmpty();

        consent.decides(profile, "allow", "dec-recorded", "granted"); // consent-service caught up
        JsonNode delivered = awaitDelivery(destinationId, "delivered");
        assertThat(delivered.path("consentDecisionId").asString()).isEqualTo("dec-recorded");
        assertThat(peers.requests(hook)).hasSize(1);
    }

    @Test
    void shouldDeliverAnEventGrantingConsentThatConsentServiceRecordedFirst() {
        String destinationId = webhook();
        consent.decides(profile, "allow", "dec-first", "granted");

        peers.upstream().send(signedUp(true));

        assertThat(awaitDelivery(destinationId, "delivered").path("consentDecisionId").asString())
                .isEqualTo("dec-first");
        assertThat(peers.requests(hook)).hasSize(1);
    }

    @Test
    void shouldLetARecordedDenialWinOverAnEventGrant() {
        String destinationId = webhook();
        consent.decides(profile, "deny", "dec-denied", "denied");

        peers.upstream().send(signedUp(true));

        assertThat(awaitDelivery(destinationId, "blocked_by_consent").path("consentDecisionId").asString())
                .isEqualTo("dec-denied");
        assertThat(peers.requests(hook)).isEmpty();
    }

    private String property;

    private String hubSpot() {
        property = "opencdp_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        wiremock.stubFor(post(urlEqualTo(UPSERT)).withRequestBody(containing(property))
                .willReturn(okJson("{\"status\": \"COMPLETE\", \"results\": []}")));
        return api.createAudience("hubspot", """
                {"accessToken": "pat-1", "membershipProperty": "%s"}""".formatted(property), steps.segment);
    }

    private List<String> membershipValuesSent() {
        return wiremock.findAll(postRequestedFor(urlEqualTo(UPSERT)).withRequestBody(containing(property))).stream()
                .map(request -> body(request).path("inputs").get(0).path("properties").path(property).asString())
                .toList();
    }

    @Test
    void shouldRemoveTheMemberFromTheAudienceWhenConsentIsWithdrawn() {
        String destinationId = hubSpot();
        String member = steps.knownProfile("withdraws@example.com", null); // consent allows
        steps.awaitKnown(member, 1);
        steps.enters(member);
        steps.awaitStatus(destinationId, member, "delivered");
        assertThat(membershipValuesSent()).containsExactly("true");

        consent.decides(member, "deny", "dec-withdrawn", "denied");
        peers.upstream().send(new ConsentChanged(UUID.randomUUID(), workspace, Instant.now(), member,
                Map.of("marketing", false)));

        await().atMost(AudienceSteps.TIMEOUT).until(() -> membershipValuesSent().equals(List.of("true", "false")));
        JsonNode removal = steps.awaitDeliveries(destinationId, member, 1,
                d -> d.path("consentDecisionId").asString().equals("dec-withdrawn")).getFirst();
        assertThat(removal.path("status").asString()).isEqualTo("delivered");
    }

    @Test
    void shouldNeverBlockAnExitOnConsent() {
        String destinationId = hubSpot();
        String member = steps.knownProfile("leaves@example.com", null);
        steps.awaitKnown(member, 1);
        consent.answers(member, aResponse().withStatus(503)); // consent-service cannot answer

        steps.exits(member);

        JsonNode exit = steps.awaitStatus(destinationId, member, "delivered");
        assertThat(exit.path("consentDecisionId").isNull()).isTrue();
        assertThat(membershipValuesSent()).containsExactly("false");
        assertThat(consent.requests(member)).isEmpty();
    }
}
