package org.opencdp.activation.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.badRequest;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.opencdp.activation.delivery.Peers.body;
import static org.opencdp.testsupport.ApiClient.json;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.kit.KitProperties;
import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.JwtVerifier;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.ServiceCredentials;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.Workspaces;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The delivery pipeline on real Kafka and PostgreSQL, with WireMock standing in for both the
 * webhook receiver and consent-service's decisions endpoint.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + ActivationServiceApplication.CONFIG_NAME)
class DeliveryFlowIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Peers peers = new Peers();
    private static final WireMockServer wiremock = peers.wiremock;
    private static final ConsentServiceStub consent = peers.consent;

    @DynamicPropertySource
    static void activationSettings(DynamicPropertyRegistry registry) {
        peers.configure(registry);
        registry.add("cdp.activation.max-attempts", () -> "3");
    }

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    private DestinationsApi api;
    private String workspace;
    private String profileId;
    private String hook;
    private String secret;

    @AfterAll
    static void stopPeers() {
        peers.stop();
    }

    @BeforeEach
    void setUp() {
        workspace = Workspaces.fresh();
        api = new DestinationsApi(port, infrastructure.token(workspace, Scopes.DESTINATIONS_WRITE));
        profileId = "p-" + UUID.randomUUID();
        hook = Peers.newHook();
        secret = "whsec_" + UUID.randomUUID();
    }

    @Test
    void shouldSendASubscribedEventOnceWithAValidSignatureAndTheConsentDecision() throws Exception {
        String destinationId = createWebhook("[\"Order Completed\"]", "[]", true);
        consent.decides(profileId, "allow", "dec-allow-1");
        peers.accepts(hook);

        peers.upstream().send(track("Cart Viewed"));
        EventResolved order = track("Order Completed");
        peers.upstream().send(order);

        JsonNode delivery = awaitStatus(destinationId, "delivered");
        assertThat(delivery.path("profileId").asString()).isEqualTo(profileId);
        assertThat(delivery.path("kind").asString()).isEqualTo("event");
        assertThat(delivery.path("consentDecisionId").asString()).isEqualTo("dec-allow-1");
        assertThat(delivery.path("attempts").asInt()).isEqualTo(1);
        assertThat(delivery.get("lastError").isNull()).isTrue();
        assertThat(api.deliveries(destinationId)).hasSize(1);

        List<LoggedRequest> sent = webhookRequests();
        assertThat(sent).hasSize(1);
        LoggedRequest request = sent.getFirst();
        String timestamp = request.getHeader("X-CDP-Timestamp");
        assertThat(Long.parseLong(timestamp)).isCloseTo(Instant.now().getEpochSecond(), within(120L));
        String signed = timestamp + "." + request.getBodyAsString();
        assertThat(request.getHeader("X-CDP-Signature")).isEqualTo("v1=" + hmacSha256Hex(secret, signed));
        assertThat(request.getHeader("X-CDP-Delivery-Id")).isEqualTo(delivery.path("id").asString());
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        JsonNode body = body(request);
        assertThat(body.path("deliveryId").asString()).isEqualTo(delivery.path("id").asString());
        assertThat(body.path("destinationId").asString()).isEqualTo(destinationId);
        assertThat(body.path("workspaceId").asString()).isEqualTo(workspace);
        assertThat(body.path("profileId").asString()).isEqualTo(profileId);
        assertThat(body.path("consentDecisionId").asString()).isEqualTo("dec-allow-1");
        assertThat(body.path("kind").asString()).isEqualTo("event");
        assertThat(body.path("event").path("event").asString()).isEqualTo("Order Completed");
        assertThat(body.path("event").path("messageId").asString()).isEqualTo(order.event().messageId());
        assertThat(body.path("event").path("properties").path("total").asInt()).isEqualTo(99);
        assertThat(body.has("segmentId") && body.get("segmentId").isNull()).isTrue();
        assertThat(body.path("sentAt").asString()).isNotBlank();

        // consent was asked with the destination's purposes, activation's consent:read service credential
        // and this workspace in X-CDP-Workspace (issue 12), as consent-service's kit filter reads them
        LoggedRequest asked = consent.requests(profileId).getFirst();
        JsonNode question = body(asked);
        assertThat(question.path("purposes").toString()).isEqualTo("[\"marketing\"]");
        assertThat(question.path("profileIds").toString()).isEqualTo("[\"" + profileId + "\"]");
        assertThat(asked.getHeader(ServiceCredentials.WORKSPACE_HEADER)).isEqualTo(workspace);
        Caller caller = new JwtVerifier(new KitProperties.Security(infrastructure.jwtSecret(), null, null, List.of()))
                .verify(asked.getHeader("Authorization").substring("Bearer ".length()),
                        asked.getHeader(ServiceCredentials.WORKSPACE_HEADER));
        assertThat(caller.subject()).isEqualTo("service:activation");
        assertThat(caller.workspaceId()).isEqualTo(workspace);
        assertThat(caller.scopes()).contains(Scopes.CONSENT_READ);
    }

    @Test
    void shouldBlockADeliveryConsentDeniesAndNeverSendIt() {
        String destinationId = createWebhook("[\"Order Completed\"]", "[]", true);
        consent.decides(profileId, "deny", "dec-deny-1");
        peers.accepts(hook);

        peers.upstream().send(track("Order Completed"));

        JsonNode delivery = awaitStatus(destinationId, "blocked_by_consent");
        assertThat(delivery.path("consentDecisionId").asString()).isEqualTo("dec-deny-1");
        assertThat(delivery.path("attempts").asInt()).isZero();
        assertThat(webhookRequests()).isEmpty();
    }

    @Test
    void shouldKeepADeliveryPendingWhileConsentServiceIsDownAndSendItOnceItIsBack() {
        String destinationId = createWebhook("[\"Order Completed\"]", "[]", true);
        StubMapping down = consent.answers(profileId, aResponse().withStatus(503));
        peers.accepts(hook);

        peers.upstream().send(track("Order Completed"));

        await().atMost(TIMEOUT).until(() -> consent.requests(profileId).size() >= 3);
        JsonNode waiting = onlyDelivery(destinationId);
        assertThat(waiting.path("status").asString()).isEqualTo("pending");
        assertThat(waiting.path("attempts").asInt()).isZero();
        assertThat(waiting.path("lastError").asString()).startsWith("consent-service unavailable: HTTP 503");
        assertThat(webhookRequests()).isEmpty();

        // an answer without a decision for the profile is no decision either: still waiting, still not sent
        wiremock.removeStub(down);
        StubMapping silent = consent.answers(profileId, okJson("{\"decisions\": []}"));
        await().atMost(TIMEOUT).until(() -> onlyDelivery(destinationId).path("lastError").asString()
                .equals("consent-service unavailable: no decision for profile " + profileId));
        assertThat(onlyDelivery(destinationId).path("status").asString()).isEqualTo("pending");
        assertThat(onlyDelivery(destinationId).path("attempts").asInt()).isZero();
        assertThat(webhookRequests()).isEmpty();

        wiremock.removeStub(silent);
        consent.decides(profileId, "allow", "dec-back-1");

        JsonNode delivered = awaitStatus(destinationId, "delivered");
        assertThat(delivered.path("consentDecisionId").asString()).isEqualTo("dec-back-1");
        assertThat(delivered.path("attempts").asInt()).isEqualTo(1);
        assertThat(webhookRequests()).hasSize(1);
    }

    @Test
    void shouldRetryAFailingWebhookWithBackoffUntilItAccepts() {
        String destinationId = createWebhook("[\"Order Completed\"]", "[]", true);
        consent.decides(profileId, "allow", "dec-retry-1");
        wiremock.stubFor(post(urlEqualTo(hook)).inScenario(hook).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(serverError().withBody("temporarily broken")).willSetStateTo("recovered"));
        wiremock.stubFor(post(urlEqualTo(hook)).inScenario(hook).whenScenarioStateIs("recovered").willReturn(ok()));

        peers.upstream().send(track("Order Completed"));

        JsonNode delivery = awaitStatus(destinationId, "delivered");
        assertThat(delivery.path("attempts").asInt()).isEqualTo(2);
        List<LoggedRequest> sent = webhookRequests();
        assertThat(sent).hasSize(2);
        assertThat(sent).extracting(r -> r.getHeader("X-CDP-Delivery-Id")).containsOnly(delivery.path("id").asString());
    }

    @Test
    void shouldDeadLetterADeliveryThatRunsOutOfAttempts() {
        String destinationId = createWebhook("[\"Order Completed\"]", "[]", true);
        consent.decides(profileId, "allow", "dec-dead-1");
        wiremock.stubFor(post(urlEqualTo(hook)).willReturn(aResponse().withStatus(503)));

        peers.upstream().send(track("Order Completed"));

        JsonNode dead = awaitStatus(destinationId, "dead");
        assertThat(dead.path("attempts").asInt()).isEqualTo(3);
        assertThat(dead.path("lastError").asString()).startsWith("gave up after 3 attempts: HTTP 503");
        assertThat(webhookRequests()).hasSize(3);
    }

    @Test
    void shouldDeadLetterARefusedDeliveryAndDeliverItWhenReplayed() {
        String destinationId = createWebhook("[\"Order Completed\"]", "[]", true);
        consent.decides(profileId, "allow", "dec-replay-1");
        StubMapping refusing = wiremock.stubFor(post(urlEqualTo(hook)).willReturn(badRequest().withBody("unknown field")));

        peers.upstream().send(track("Order Completed"));

        JsonNode dead = awaitStatus(destinationId, "dead");
        assertThat(dead.path("attempts").asInt()).isEqualTo(1);
        assertThat(dead.path("lastError").asString()).isEqualTo("HTTP 400: unknown field");
        List<JsonNode> deadLetters = api.deadLetters(destinationId);
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.getFirst().path("id").asString()).isEqualTo(dead.path("id").asString());
        assertThat(webhookRequests()).hasSize(1);
        int consentAsked = consent.requests(profileId).size();

        wiremock.removeStub(refusing);
        peers.accepts(hook);
        var replayed = api.replay(destinationId, "{\"deliveryIds\": [\"" + dead.path("id").asString() + "\"]}");

        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
        assertThat(json(replayed).path("replayed").asInt()).isEqualTo(1);
        JsonNode delivered = awaitStatus(destinationId, "delivered");
        assertThat(delivered.path("id").asString()).isEqualTo(dead.path("id").asString());
        assertThat(delivered.path("attempts").asInt()).isEqualTo(1);
        assertThat(consent.requests(profileId).size()).isGreaterThan(consentAsked);
        assertThat(webhookRequests()).hasSize(2);
        assertThat(api.deadLetters(destinationId)).isEmpty();
    }

    @Test
    void shouldDeliverSegmentEntriesAndExitsToDestinationsSubscribedToTheSegment() {
        String segmentId = "seg-" + UUID.randomUUID();
        String destinationId = createWebhook("[]", "[\"" + segmentId + "\"]", true);
        consent.decides(profileId, "allow", "dec-seg-1");
        peers.accepts(hook);

        peers.upstream().send(membership("seg-other", MembershipChanged.Transition.entered, 1));
        peers.upstream().send(membership(segmentId, MembershipChanged.Transition.entered, 1));

        JsonNode entered = awaitStatus(destinationId, "delivered");
        assertThat(entered.path("kind").asString()).isEqualTo("segment_entered");
        JsonNode body = body(webhookRequests().getFirst());
        assertThat(body.path("kind").asString()).isEqualTo("segment_entered");
        assertThat(body.path("segmentId").asString()).isEqualTo(segmentId);
        assertThat(body.get("event").isNull()).isTrue();
        assertThat(body.path("consentDecisionId").asString()).isEqualTo("dec-seg-1");

        peers.upstream().send(membership(segmentId, MembershipChanged.Transition.exited, 2));

        await().atMost(TIMEOUT).until(() -> api.deliveries(destinationId).stream()
                .filter(d -> d.path("status").asString().equals("delivered")).count() == 2);
        assertThat(api.deliveries(destinationId)).extracting(d -> d.path("kind").asString())
                .containsExactlyInAnyOrder("segment_entered", "segment_exited");
        assertThat(webhookRequests()).extracting(r -> body(r).path("kind").asString())
                .containsExactlyInAnyOrder("segment_entered", "segment_exited");
    }

    @Test
    void shouldQueueOneDeliveryForAMessageConsumedTwiceAndNoneForDisabledDestinationsOrOtherCalls() {
        String enabledHook = hook;
        String destinationId = createWebhook("[\"*\"]", "[]", true);
        hook = Peers.newHook();
        String disabledId = createWebhook("[\"*\"]", "[]", false);
        consent.decides(profileId, "allow", "dec-dup-1");
        peers.accepts(enabledHook);
        peers.accepts(hook);

        EventResolved twice = track("Signed Up");
        peers.upstream().send(twice);
        peers.upstream().send(twice);
        peers.upstream().send(TestMessages.identify(workspace, profileId));
        EventResolved sentinel = track("Order Completed");
        peers.upstream().send(sentinel);

        // one partition per key: once the sentinel was sent, the records before it were consumed
        await().atMost(TIMEOUT).until(() -> peers.requests(enabledHook).stream()
                .anyMatch(r -> body(r).path("event").path("event").asString().equals("Order Completed"))
                && api.deliveries(destinationId).stream()
                        .allMatch(d -> d.path("status").asString().equals("delivered")));
        assertThat(api.deliveries(destinationId)).hasSize(2);
        assertThat(peers.requests(enabledHook)).extracting(r -> body(r).path("event").path("event").asString())
                .containsExactlyInAnyOrder("Signed Up", "Order Completed");
        assertThat(api.deliveries(disabledId)).isEmpty();
        assertThat(webhookRequests()).isEmpty();
    }

    // --- helpers

    private String createWebhook(String eventsJson, String segmentsJson, boolean enabled) {
        return api.createWebhook(peers.url(hook), secret, eventsJson, segmentsJson, enabled);
    }

    private EventResolved track(String name) {
        return TestMessages.track(workspace, profileId, name);
    }

    private MembershipChanged membership(String segmentId, MembershipChanged.Transition transition, long version) {
        return TestMessages.membership(workspace, profileId, segmentId, transition, version);
    }

    private JsonNode onlyDelivery(String destinationId) {
        List<JsonNode> items = api.deliveries(destinationId);
        assertThat(items).hasSize(1);
        return items.getFirst();
    }

    private JsonNode awaitStatus(String destinationId, String status) {
        await().atMost(TIMEOUT).until(() -> api.deliveries(destinationId).stream()
                .anyMatch(d -> d.path("status").asString().equals(status)));
        return api.deliveries(destinationId).stream().filter(d -> d.path("status").asString().equals(status))
                .findFirst().orElseThrow();
    }

    private List<LoggedRequest> webhookRequests() {
        return peers.requests(hook);
    }

    private static String hmacSha256Hex(String key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }
}
