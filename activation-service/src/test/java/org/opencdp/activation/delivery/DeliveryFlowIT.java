package org.opencdp.activation.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.badRequest;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.opencdp.activation.ApiClient.json;

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
import org.opencdp.activation.ApiClient;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.kit.KitProperties;
import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.JwtVerifier;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The delivery pipeline on real Kafka and PostgreSQL, with WireMock standing in for both the
 * webhook receiver and consent-service's decisions endpoint.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + ActivationServiceApplication.CONFIG_NAME)
class DeliveryFlowIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final WireMockServer wiremock = new WireMockServer(options().dynamicPort());
    private static final ConsentServiceStub consent = new ConsentServiceStub(wiremock);
    private static TestMessages messages;

    static {
        wiremock.start();
    }

    @DynamicPropertySource
    static void activationSettings(DynamicPropertyRegistry registry) {
        registry.add("cdp.activation.consent.url", wiremock::baseUrl);
        registry.add("cdp.activation.consent.timeout", () -> "3s");
        registry.add("cdp.activation.webhook-timeout", () -> "3s");
        registry.add("cdp.activation.dispatch-interval", () -> "50ms");
        registry.add("cdp.activation.retry-base-delay", () -> "100ms");
        registry.add("cdp.activation.retry-max-delay", () -> "400ms");
        registry.add("cdp.activation.max-attempts", () -> "3");
    }

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    private ApiClient api;
    private String workspace;
    private String writer;
    private String profileId;
    private String hook;
    private String secret;

    @AfterAll
    static void stopPeers() {
        wiremock.stop();
        if (messages != null) {
            messages.close();
            messages = null;
        }
    }

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        workspace = "ws_" + UUID.randomUUID().toString().substring(0, 8);
        writer = infrastructure.token(workspace, "destinations:write");
        profileId = "p-" + UUID.randomUUID();
        hook = "/hooks/" + UUID.randomUUID();
        secret = "whsec_" + UUID.randomUUID();
        if (messages == null) {
            messages = new TestMessages(infrastructure.bootstrapServers());
        }
    }

    @Test
    void shouldSendASubscribedEventOnceWithAValidSignatureAndTheConsentDecision() throws Exception {
        String destinationId = createWebhook("[\"Order Completed\"]", "[]", true);
        consent.decides(profileId, "allow", "dec-allow-1");
        wiremock.stubFor(post(urlEqualTo(hook)).willReturn(ok()));

        messages.produce(track("Cart Viewed"));
        EventResolved order = track("Order Completed");
        messages.produce(order);

        JsonNode delivery = awaitStatus(destinationId, "delivered");
        assertThat(delivery.path("profileId").asString()).isEqualTo(profileId);
        assertThat(delivery.path("kind").asString()).isEqualTo("event");
        assertThat(delivery.path("consentDecisionId").asString()).isEqualTo("dec-allow-1");
        assertThat(delivery.path("attempts").asInt()).isEqualTo(1);
        assertThat(delivery.get("lastError").isNull()).isTrue();
        assertThat(deliveries(destinationId)).hasSize(1);

        List<LoggedRequest> sent = webhookRequests();
        assertThat(sent).hasSize(1);
        LoggedRequest request = sent.getFirst();
        String timestamp = request.getHeader("X-CDP-Timestamp");
        assertThat(Long.parseLong(timestamp)).isCloseTo(Instant.now().getEpochSecond(), within(120L));
        String signed = timestamp + "." + request.getBodyAsString();
        assertThat(request.getHeader("X-CDP-Signature")).isEqualTo("v1=" + hmacSha256Hex(secret, signed));
        assertThat(request.getHeader("X-CDP-Delivery-Id")).isEqualTo(delivery.path("id").asString());
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        JsonNode body = read(request.getBodyAsString());
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

        // consent was asked with the destination's purposes and a consent:read token for this workspace
        LoggedRequest asked = consent.requests(profileId).getFirst();
        JsonNode question = read(asked.getBodyAsString());
        assertThat(question.path("purposes").toString()).isEqualTo("[\"marketing\"]");
        assertThat(question.path("profileIds").toString()).isEqualTo("[\"" + profileId + "\"]");
        Caller caller = new JwtVerifier(new KitProperties.Security(infrastructure.jwtSecret(), null, null, List.of()))
                .verify(asked.getHeader("Authorization").substring("Bearer ".length()));
        assertThat(caller.workspaceId()).isEqualTo(workspace);
        assertThat(caller.scopes()).contains("consent:read");
    }

    @Test
    void shouldBlockADeliveryConsentDeniesAndNeverSendIt() {
        String destinationId = createWebhook("[\"Order Completed\"]", "[]", true);
        consent.decides(profileId, "deny", "dec-deny-1");
        wiremock.stubFor(post(urlEqualTo(hook)).willReturn(ok()));

        messages.produce(track("Order Completed"));

        JsonNode delivery = awaitStatus(destinationId, "blocked_by_consent");
        assertThat(delivery.path("consentDecisionId").asString()).isEqualTo("dec-deny-1");
        assertThat(delivery.path("attempts").asInt()).isZero();
        assertThat(webhookRequests()).isEmpty();
    }

    @Test
    void shouldKeepADeliveryPendingWhileConsentServiceIsDownAndSendItOnceItIsBack() {
        String destinationId = createWebhook("[\"Order Completed\"]", "[]", true);
        StubMapping down = consent.answers(profileId, aResponse().withStatus(503));
        wiremock.stubFor(post(urlEqualTo(hook)).willReturn(ok()));

        messages.produce(track("Order Completed"));

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

        messages.produce(track("Order Completed"));

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

        messages.produce(track("Order Completed"));

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

        messages.produce(track("Order Completed"));

        JsonNode dead = awaitStatus(destinationId, "dead");
        assertThat(dead.path("attempts").asInt()).isEqualTo(1);
        assertThat(dead.path("lastError").asString()).isEqualTo("HTTP 400: unknown field");
        JsonNode deadLetters = json(api.get("/v1/destinations/" + destinationId + "/dead-letters", writer));
        assertThat(deadLetters.path("items")).hasSize(1);
        assertThat(deadLetters.path("items").get(0).path("id").asString()).isEqualTo(dead.path("id").asString());
        assertThat(webhookRequests()).hasSize(1);
        int consentAsked = consent.requests(profileId).size();

        wiremock.removeStub(refusing);
        wiremock.stubFor(post(urlEqualTo(hook)).willReturn(ok()));
        var replayed = api.post("/v1/destinations/" + destinationId + "/dead-letters/replay", writer,
                "{\"deliveryIds\": [\"" + dead.path("id").asString() + "\"]}");

        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
        assertThat(json(replayed).path("replayed").asInt()).isEqualTo(1);
        JsonNode delivered = awaitStatus(destinationId, "delivered");
        assertThat(delivered.path("id").asString()).isEqualTo(dead.path("id").asString());
        assertThat(delivered.path("attempts").asInt()).isEqualTo(1);
        assertThat(consent.requests(profileId).size()).isGreaterThan(consentAsked);
        assertThat(webhookRequests()).hasSize(2);
        assertThat(json(api.get("/v1/destinations/" + destinationId + "/dead-letters", writer)).path("items")).isEmpty();
    }

    @Test
    void shouldDeliverSegmentEntriesAndExitsToDestinationsSubscribedToTheSegment() {
        String segmentId = "seg-" + UUID.randomUUID();
        String destinationId = createWebhook("[]", "[\"" + segmentId + "\"]", true);
        consent.decides(profileId, "allow", "dec-seg-1");
        wiremock.stubFor(post(urlEqualTo(hook)).willReturn(ok()));

        messages.produce(membership("seg-other", MembershipChanged.Transition.entered, 1));
        messages.produce(membership(segmentId, MembershipChanged.Transition.entered, 1));

        JsonNode entered = awaitStatus(destinationId, "delivered");
        assertThat(entered.path("kind").asString()).isEqualTo("segment_entered");
        JsonNode body = read(webhookRequests().getFirst().getBodyAsString());
        assertThat(body.path("kind").asString()).isEqualTo("segment_entered");
        assertThat(body.path("segmentId").asString()).isEqualTo(segmentId);
        assertThat(body.get("event").isNull()).isTrue();
        assertThat(body.path("consentDecisionId").asString()).isEqualTo("dec-seg-1");

        messages.produce(membership(segmentId, MembershipChanged.Transition.exited, 2));

        await().atMost(TIMEOUT).until(() -> deliveries(destinationId).stream()
                .filter(d -> d.path("status").asString().equals("delivered")).count() == 2);
        assertThat(deliveries(destinationId)).extracting(d -> d.path("kind").asString())
                .containsExactlyInAnyOrder("segment_entered", "segment_exited");
        assertThat(webhookRequests()).extracting(r -> read(r.getBodyAsString()).path("kind").asString())
                .containsExactlyInAnyOrder("segment_entered", "segment_exited");
    }

    @Test
    void shouldQueueOneDeliveryForAMessageConsumedTwiceAndNoneForDisabledDestinationsOrOtherCalls() {
        String enabledHook = hook;
        String destinationId = createWebhook("[\"*\"]", "[]", true);
        hook = "/hooks/" + UUID.randomUUID();
        String disabledId = createWebhook("[\"*\"]", "[]", false);
        consent.decides(profileId, "allow", "dec-dup-1");
        wiremock.stubFor(post(urlEqualTo(enabledHook)).willReturn(ok()));
        wiremock.stubFor(post(urlEqualTo(hook)).willReturn(ok()));

        EventResolved twice = track("Signed Up");
        messages.produce(twice);
        messages.produce(twice);
        messages.produce(TestMessages.identify(workspace, profileId));
        EventResolved sentinel = track("Order Completed");
        messages.produce(sentinel);

        // one partition per key: once the sentinel was sent, the records before it were consumed
        await().atMost(TIMEOUT).until(() -> webhookRequests(enabledHook).stream()
                .anyMatch(r -> read(r.getBodyAsString()).path("event").path("event").asString().equals("Order Completed"))
                && deliveries(destinationId).stream().allMatch(d -> d.path("status").asString().equals("delivered")));
        assertThat(deliveries(destinationId)).hasSize(2);
        assertThat(webhookRequests(enabledHook)).extracting(
                        r -> read(r.getBodyAsString()).path("event").path("event").asString())
                .containsExactlyInAnyOrder("Signed Up", "Order Completed");
        assertThat(deliveries(disabledId)).isEmpty();
        assertThat(webhookRequests()).isEmpty();
    }

    // --- helpers

    private String createWebhook(String eventsJson, String segmentsJson, boolean enabled) {
        var created = api.post("/v1/destinations", writer, """
                {"name": "Hook", "type": "webhook", "config": {"url": "%s", "secret": "%s"},
                 "requiredPurposes": ["marketing"], "subscriptions": {"events": %s, "segments": %s}, "enabled": %s}"""
                .formatted(wiremock.baseUrl() + hook, secret, eventsJson, segmentsJson, enabled));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created).path("id").asString();
    }

    private EventResolved track(String name) {
        return TestMessages.track(workspace, profileId, name);
    }

    private MembershipChanged membership(String segmentId, MembershipChanged.Transition transition, long version) {
        return TestMessages.membership(workspace, profileId, segmentId, transition, version);
    }

    private List<JsonNode> deliveries(String destinationId) {
        var response = api.get("/v1/destinations/" + destinationId + "/deliveries", writer);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response).path("items").valueStream().toList();
    }

    private JsonNode onlyDelivery(String destinationId) {
        List<JsonNode> items = deliveries(destinationId);
        assertThat(items).hasSize(1);
        return items.getFirst();
    }

    private JsonNode awaitStatus(String destinationId, String status) {
        await().atMost(TIMEOUT).until(() -> deliveries(destinationId).stream()
                .anyMatch(d -> d.path("status").asString().equals(status)));
        return deliveries(destinationId).stream().filter(d -> d.path("status").asString().equals(status))
                .findFirst().orElseThrow();
    }

    private List<LoggedRequest> webhookRequests() {
        return webhookRequests(hook);
    }

    private static List<LoggedRequest> webhookRequests(String path) {
        return wiremock.findAll(postRequestedFor(urlEqualTo(path)));
    }

    private static String hmacSha256Hex(String key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode read(String json) {
        return JsonMapper.shared().readTree(json);
    }
}
