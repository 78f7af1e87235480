package org.opencdp.activation.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.testsupport.ApiClient.json;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.Workspaces;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 13 (retries and deadlines): every call has a total deadline (2 s here), a slow or trickling
 * receiver cannot hold a round; failures are retried with backoff honouring Retry-After for the retry
 * window (5 s here, 4 h by default), then dead-lettered with the reason; refusals (400, 401, 403) are
 * dead-lettered at once; dead letters replay.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + ActivationServiceApplication.CONFIG_NAME)
class DeliveryRetriesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Peers peers = new Peers();
    private static final WireMockServer wiremock = peers.wiremock;

    @DynamicPropertySource
    static void activationSettings(DynamicPropertyRegistry registry) {
        peers.configure(registry);
        registry.add("cdp.activation.send-timeout", () -> "2s");
        registry.add("cdp.activation.retry-for", () -> "5s");
    }

    @LocalServerPort
    int port;

    private DestinationsApi api;
    private String workspace;
    private String profileId;
    private String hook;

    @AfterAll
    static void stopPeers() {
        peers.stop();
    }

    @BeforeEach
    void setUp() {
        workspace = Workspaces.fresh();
        api = new DestinationsApi(port, CdpTestEnvironment.current().token(workspace, Scopes.DESTINATIONS_WRITE));
        profileId = "p-" + UUID.randomUUID();
        hook = Peers.newHook();
        peers.consent.decides(profileId, "allow", "dec-" + profileId);
    }

    @Test
    void shouldCutOffAReceiverThatTricklesItsAnswerAndDeadLetterItOnceTheRetryWindowIsOver() {
        // a 500 whose body takes 30 s to arrive: without a deadline on the whole answer a round would wait for it
        wiremock.stubFor(post(urlEqualTo(hook)).willReturn(aResponse().withStatus(500)
                .withBody("x".repeat(300)).withChunkedDribbleDelay(30, 30_000)));
        String destinationId = createWebhook();

        send();

        JsonNode dead = awaitStatus(destinationId, "dead");
        assertThat(dead.path("lastError").asString()).matches(
                "gave up after \\d+ attempts over the 5 s retry window: no complete answer within \\d+ ms");
        assertThat(dead.path("attempts").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(peers.requests(hook)).hasSize(dead.path("attempts").asInt());
    }

    @Test
    void shouldCutOffAReceiverThatDoesNotAnswerInTimeAndRetryIt() {
        StubMapping slow = wiremock.stubFor(post(urlEqualTo(hook)).willReturn(ok().withFixedDelay(20_000)));
        String destinationId = createWebhook();

        send();

        await().atMost(TIMEOUT).until(() -> onlyDelivery(destinationId).path("attempts").asInt() >= 1
                && onlyDelivery(destinationId).path("status").asString().equals("pending"));
        assertThat(onlyDelivery(destinationId).path("lastError").asString()).matches("no complete answer within \\d+ ms");
        wiremock.removeStub(slow);
        peers.accepts(hook);

        JsonNode delivered = awaitStatus(destinationId, "delivered");
        assertThat(delivered.path("attempts").asInt()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldWaitAsLongAsRetryAfterAsksBeforeTryingAgain() {
        wiremock.stubFor(post(urlEqualTo(hook)).inScenario(hook).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3")).willSetStateTo("open"));
        wiremock.stubFor(post(urlEqualTo(hook)).inScenario(hook).whenScenarioStateIs("open").willReturn(ok()));
        String destinationId = createWebhook();

        send();

        JsonNode delivered = awaitStatus(destinationId, "delivered");
        assertThat(delivered.path("attempts").asInt()).isEqualTo(2);
        List<LoggedRequest> requests = peers.requests(hook);
        assertThat(requests).hasSize(2);
        // the backoff alone would have retried after at most 400 ms
        long gap = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        assertThat(gap).isGreaterThanOrEqualTo(2_900);
    }

    @Test
    void shouldRetryServerErrorsUntilTheReceiverAccepts() {
        wiremock.stubFor(post(urlEqualTo(hook)).inScenario(hook).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(502)).willSetStateTo("second"));
        wiremock.stubFor(post(urlEqualTo(hook)).inScenario(hook).whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        wiremock.stubFor(post(urlEqualTo(hook)).inScenario(hook).whenScenarioStateIs("up").willReturn(ok()));
        String destinationId = createWebhook();

        send();

        JsonNode delivered = awaitStatus(destinationId, "delivered");
        assertThat(delivered.path("attempts").asInt()).isEqualTo(3);
        assertThat(delivered.get("lastError").isNull()).isTrue();
    }

    @Test
    void shouldDeadLetterRefusalsAtOnceAndDeliverThemWhenReplayed() {
        String[] hooks = {Peers.newHook(), Peers.newHook(), Peers.newHook()};
        int[] statuses = {400, 401, 403};
        String[] destinations = new String[3];
        StubMapping[] refusals = new StubMapping[3];
        for (int i = 0; i < 3; i++) {
            refusals[i] = wiremock.stubFor(post(urlEqualTo(hooks[i])).willReturn(aResponse().withStatus(statuses[i])
                    .withBody("{\"error\": \"refused " + statuses[i] + "\"}")));
            hook = hooks[i];
            destinations[i] = createWebhook();
        }

        send();

        for (int i = 0; i < 3; i++) {
            JsonNode dead = awaitStatus(destinations[i], "dead");
            assertThat(dead.path("attempts").asInt()).isEqualTo(1);
            assertThat(dead.path("lastError").asString())
                    .isEqualTo("HTTP " + statuses[i] + ": {\"error\": \"refused " + statuses[i] + "\"}");
            assertThat(peers.requests(hooks[i])).hasSize(1);
        }

        wiremock.removeStub(refusals[1]);
        peers.accepts(hooks[1]);
        assertThat(json(api.replay(destinations[1], "{}")).path("replayed").asInt()).isEqualTo(1);
        JsonNode delivered = awaitStatus(destinations[1], "delivered");
        assertThat(delivered.path("attempts").asInt()).isEqualTo(1);
        assertThat(api.deadLetters(destinations[1])).isEmpty();
    }

    @Test
    void shouldDeadLetterWithTheReasonOnceTheRetryWindowIsOverAndReplayIt() {
        StubMapping down = wiremock.stubFor(post(urlEqualTo(hook)).willReturn(aResponse().withStatus(503)
                .withBody("maintenance")));
        String destinationId = createWebhook();

        send();

        JsonNode dead = awaitStatus(destinationId, "dead");
        assertThat(dead.path("lastError").asString())
                .matches("gave up after \\d+ attempts over the 5 s retry window: HTTP 503: maintenance");
        assertThat(dead.path("attempts").asInt()).isGreaterThanOrEqualTo(3);

        wiremock.removeStub(down);
        peers.accepts(hook);
        assertThat(json(api.replay(destinationId, null)).path("replayed").asInt()).isEqualTo(1);
        JsonNode delivered = awaitStatus(destinationId, "delivered");
        assertThat(delivered.path("attempts").asInt()).isEqualTo(1);
    }

    // --- helpers

    private String createWebhook() {
        return api.createWebhook(peers.url(hook), "s", "[\"Order Completed\"]", "[]", true);
    }

    private void send() {
        peers.upstream().send(TestMessages.track(workspace, profileId, "Order Completed"));
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
}
