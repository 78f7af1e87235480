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
 * Issue 13 (retries and deadlines): every call has a total deadline ({@link #SEND_TIMEOUT} here), a
 * slow or trickling receiver cannot hold a round; failures are retried with backoff honouring
 * Retry-After for the retry window ({@link #RETRY_WINDOW} here, 4 h by default), then dead-lettered
 * with the reason; refusals (400, 401, 403) are dead-lettered at once; dead letters replay.
 *
 * <p>What is proven is how the deadline, the window and Retry-After relate, not their production
 * values, so each is set here as short as that relation allows (the tests wait for them): slow
 * receivers take {@link #FAR_BEYOND_THE_DEADLINE}, the window outlasts the retries a test needs, and
 * Retry-After asks for more than the longest backoff.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + ActivationServiceApplication.CONFIG_NAME)
class DeliveryRetriesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** The total deadline of one call: generous for a stub's immediate answer on a loaded machine. */
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(2);
    /** How long a slow or trickling receiver would take: many deadlines, so only the deadline ends the call. */
    private static final Duration FAR_BEYOND_THE_DEADLINE = SEND_TIMEOUT.multipliedBy(5);
    /** Far longer than the backoff ({@code retry-base-delay} 100 ms, at most 400 ms in {@link Peers}). */
    private static final int RETRY_AFTER_SECONDS = 2;
    /** The retry window: it outlasts the retries a test expects within it, Retry-After's included. */
    private static final Duration RETRY_WINDOW = Duration.ofSeconds(RETRY_AFTER_SECONDS + 1);
    private static final Peers peers = new Peers();
    private static final WireMockServer wiremock = peers.wiremock;

    @DynamicPropertySource
    static void activationSettings(DynamicPropertyRegistry registry) {
        peers.configure(registry);
        registry.add("cdp.activation.send-timeout", SEND_TIMEOUT::toString);
        registry.add("cdp.activation.retry-for", RETRY_WINDOW::toString);
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
        // a 500 whose body takes many deadlines to arrive: without a deadline on the whole answer a round would wait
        wiremock.stubFor(post(urlEqualTo(hook)).willReturn(aResponse().withStatus(500)
                .withBody("x".repeat(300)).withChunkedDribbleDelay(30, (int) FAR_BEYOND_THE_DEADLINE.toMillis())));
        String destinationId = createWebhook();

        send();

        JsonNode dead = awaitStatus(destinationId, "dead");
        assertThat(dead.path("lastError").asString()).matches(
                "gave up after \\d+ attempts over the " + RETRY_WINDOW.toSeconds()
                        + " s retry window: no complete answer within \\d+ ms");
        assertThat(dead.path("attempts").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(peers.requests(hook)).hasSize(dead.path("attempts").asInt());
    }

    @Test
    void shouldCutOffAReceiverThatDoesNotAnswerInTimeAndRetryIt() {
        // the first call would be answered only long after the deadline, the retry at once
        wiremock.stubFor(post(urlEqualTo(hook)).inScenario(hook).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(ok().withFixedDelay((int) FAR_BEYOND_THE_DEADLINE.toMillis())).willSetStateTo("fast"));
        wiremock.stubFor(post(urlEqualTo(hook)).inScenario(hook).whenScenarioStateIs("fast").willReturn(ok()));
        String destinationId = createWebhook();

        send();

        JsonNode delivered = awaitStatus(destinationId, "delivered");
        assertThat(delivered.path("attempts").asInt()).isEqualTo(2);
        List<LoggedRequest> requests = peers.requests(hook);
        assertThat(requests).hasSize(2);
        // the first call was given up at its deadline, not waited out
        long gap = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        assertThat(gap).isGreaterThanOrEqualTo(SEND_TIMEOUT.toMillis() - 100)
                .isLessThan(FAR_BEYOND_THE_DEADLINE.toMillis());
    }

    @Test
    void shouldWaitAsLongAsRetryAfterAsksBeforeTryingAgain() {
        wiremock.stubFor(post(urlEqualTo(hook)).inScenario(hook).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS)))
                .willSetStateTo("open"));
        wiremock.stubFor(post(urlEqualTo(hook)).inScenario(hook).whenScenarioStateIs("open").willReturn(ok()));
        String destinationId = createWebhook();

        send();

        JsonNode delivered = awaitStatus(destinationId, "delivered");
        assertThat(delivered.path("attempts").asInt()).isEqualTo(2);
        List<LoggedRequest> requests = peers.requests(hook);
        assertThat(requests).hasSize(2);
        // the backoff alone would have retried after at most 100 ms (the first), never more than 400 ms
        long gap = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        assertThat(gap).isGreaterThanOrEqualTo(RETRY_AFTER_SECONDS * 1_000L - 100);
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
                .matches("gave up after \\d+ attempts over the " + RETRY_WINDOW.toSeconds()
                        + " s retry window: HTTP 503: maintenance");
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

    private JsonNode awaitStatus(String destinationId, String status) {
        await().atMost(TIMEOUT).until(() -> api.deliveries(destinationId).stream()
                .anyMatch(d -> d.path("status").asString().equals(status)));
        return api.deliveries(destinationId).stream().filter(d -> d.path("status").asString().equals(status))
                .findFirst().orElseThrow();
    }
}
