package org.opencdp.activation.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import tools.jackson.databind.node.MissingNode;

/**
 * Issue 13 (isolation): each destination has its own worker, so one that is down or trickles its
 * answers never delays another. Three webhooks of one workspace take the same events: a healthy one,
 * one answering 503 throughout and one whose answer trickles in far slower than the per-call deadline
 * ({@link #SEND_TIMEOUT}). Every event reaches the healthy receiver while the trickling destination's
 * first call is still open, and while the 503 destination keeps retrying; the trickling destination's
 * later events wait for its own worker only, and go out once the deadline cut its first call.
 *
 * <p>The deadline is long here so that "while the first call is open" leaves a loaded machine ample
 * time: the test proves an order of events, not a latency.
 */
@CdpIntegrationTest
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + ActivationServiceApplication.CONFIG_NAME)
class DestinationIsolationIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** The total deadline of one call: the window in which the healthy destination must get everything. */
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    /** How long the trickling receiver takes to answer: four deadlines, so only the deadline ends its call. */
    private static final Duration TRICKLE = SEND_TIMEOUT.multipliedBy(4);
    private static final int EVENTS = 5;
    private static final String HOOK = "/hook";
    private static final Peers peers = new Peers();
    /** Receivers of their own, as different destinations' are: neither shares the healthy one's server. */
    private static final WireMockServer down = started();
    private static final WireMockServer trickling = started();

    @DynamicPropertySource
    static void activationSettings(DynamicPropertyRegistry registry) {
        peers.configure(registry);
        registry.add("cdp.activation.send-timeout", SEND_TIMEOUT::toString);
        registry.add("cdp.activation.retry-for", () -> "1h");
    }

    @LocalServerPort
    int port;

    private DestinationsApi api;
    private String workspace;
    private String profileId;

    @AfterAll
    static void stopReceivers() {
        peers.stop();
        down.stop();
        trickling.stop();
    }

    @BeforeEach
    void setUp() {
        workspace = Workspaces.fresh();
        api = new DestinationsApi(port, CdpTestEnvironment.current().token(workspace, Scopes.DESTINATIONS_WRITE));
        profileId = "p-" + UUID.randomUUID();
        peers.consent.decides(profileId, "allow", "dec-" + profileId);
    }

    @Test
    void shouldKeepDeliveringToAHealthyDestinationWhileAnotherAnswers503AndAThirdTricklesItsAnswers() {
        String healthyHook = Peers.newHook();
        peers.accepts(healthyHook);
        down.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(503).withBody("maintenance")));
        trickling.stubFor(post(urlEqualTo(HOOK)).willReturn(aResponse().withStatus(500).withBody("x".repeat(300))
                .withChunkedDribbleDelay(30, (int) TRICKLE.toMillis())));
        String healthyId = createWebhook(peers.url(healthyHook));
        String downId = createWebhook(down.baseUrl() + HOOK);
        String tricklingId = createWebhook(trickling.baseUrl() + HOOK);

        // the first event goes to all three: the trickling destination's call then stays open until its deadline
        send();
        await().atMost(TIMEOUT).until(() -> requests(trickling).size() == 1);
        Instant tricklingCallOpened = requests(trickling).getFirst().getLoggedDate().toInstant();
        await().atMost(TIMEOUT).until(() -> peers.requests(healthyHook).size() == 1);
        for (int event = 2; event <= EVENTS; event++) {
            send();
            int received = event;
            await().atMost(TIMEOUT).until(() -> peers.requests(healthyHook).size() == received);
        }
        await().atMost(TIMEOUT).until(() -> statuses(healthyId).stream().allMatch("delivered"::equals)
                && statuses(healthyId).size() == EVENTS && oldest(downId).path("attempts").asInt() >= 2);

        // the healthy receiver got every event while the trickling destination's first call was still open
        List<LoggedRequest> healthy = peers.requests(healthyHook);
        assertThat(healthy).hasSize(EVENTS);
        assertThat(healthy.stream().map(request -> request.getHeader("X-CDP-Delivery-Id")).distinct()).hasSize(EVENTS);
        assertThat(healthy.getLast().getLoggedDate().toInstant()).isBefore(tricklingCallOpened.plus(SEND_TIMEOUT));
        // ... and the trickling destination is still on that call: nothing answered, its later events waiting for it
        assertThat(requests(trickling)).hasSize(1);
        assertThat(api.deliveries(tricklingId)).hasSize(EVENTS).allSatisfy(delivery -> {
            assertThat(delivery.path("status").asString()).isEqualTo("pending");
            assertThat(delivery.path("attempts").asInt()).isZero();
        });
        // the 503 destination has delivered nothing and keeps retrying
        assertThat(api.deliveries(downId)).hasSize(EVENTS).allSatisfy(delivery ->
                assertThat(delivery.path("status").asString()).isEqualTo("pending"));
        assertThat(oldest(downId).path("lastError").asString()).isEqualTo("HTTP 503: maintenance");

        // the deadline cuts the trickling call; it is retried, and the events that waited for it go out
        await().atMost(TIMEOUT).until(() -> oldest(tricklingId).path("attempts").asInt() >= 1
                && requests(trickling).size() >= 2);
        JsonNode cut = oldest(tricklingId);
        assertThat(cut.path("status").asString()).isEqualTo("pending");
        assertThat(cut.path("lastError").asString()).matches("no complete answer within \\d+ ms");
        assertThat(requests(trickling).get(1).getLoggedDate().toInstant())
                .isAfterOrEqualTo(tricklingCallOpened.plus(SEND_TIMEOUT).minusSeconds(1));
        assertThat(statuses(healthyId)).containsOnly("delivered");
        assertThat(peers.requests(healthyHook)).hasSize(EVENTS);
    }

    // --- helpers

    private static WireMockServer started() {
        WireMockServer server = new WireMockServer(options().dynamicPort().containerThreads(50));
        server.start();
        return server;
    }

    private String createWebhook(String url) {
        return api.createWebhook(url, "s", "[\"Order Completed\"]", "[]", true);
    }

    private void send() {
        peers.upstream().send(TestMessages.track(workspace, profileId, "Order Completed"));
    }

    private static List<LoggedRequest> requests(WireMockServer server) {
        return server.findAll(postRequestedFor(urlEqualTo(HOOK)));
    }

    private List<String> statuses(String destinationId) {
        List<String> statuses = new ArrayList<>();
        api.deliveries(destinationId).forEach(delivery -> statuses.add(delivery.path("status").asString()));
        return statuses;
    }

    /** The destination's first delivery (the log is newest first). */
    private JsonNode oldest(String destinationId) {
        List<JsonNode> log = api.deliveries(destinationId);
        return log.isEmpty() ? MissingNode.getInstance() : log.getLast();
    }
}
