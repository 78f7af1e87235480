package org.opencdp.activation.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.testsupport.ApiClient.assertProblem;
import static org.opencdp.testsupport.ApiClient.json;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.activation.network.TestHosts;
import org.opencdp.kit.security.Scopes;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpIntegrationTest;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import org.opencdp.testsupport.Workspaces;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 13 (SSRF): destinations reach public addresses only, checked when saved and again at send
 * time with the resolved address pinned. Only {@code 127.0.0.1} is allowed here (WireMock's address),
 * so every other loopback address, which would reach WireMock too, shows a refusal that matters.
 * Host names resolve through {@link TestHosts}, which the tests re-point.
 */
@CdpIntegrationTest
@Import(TestHosts.Config.class)
@SpringBootTest(classes = ActivationServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + ActivationServiceApplication.CONFIG_NAME)
class DestinationAddressIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Peers peers = new Peers();
    private static final WireMockServer wiremock = peers.wiremock;

    @DynamicPropertySource
    static void activationSettings(DynamicPropertyRegistry registry) {
        peers.configure(registry, "127.0.0.1/32");
    }

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @LocalServerPort
    int port;

    private ApiClient http;
    private String token;
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
        token = infrastructure.token(workspace, Scopes.DESTINATIONS_WRITE);
        http = ApiClient.onPort(port);
        api = new DestinationsApi(port, token);
        profileId = "p-" + UUID.randomUUID();
        hook = Peers.newHook();
    }

    @Test
    void shouldRefuseToSaveADestinationAddressingAnyForbiddenRange() {
        int wm = wiremock.port();
        List<String> urls = List.of(
                "http://127.0.0.2:" + wm + "/hook", "http://[::1]:" + wm + "/hook", "http://0.0.0.0:" + wm + "/hook",
                "http://[::]:" + wm + "/hook", "http://[::ffff:127.0.0.2]:" + wm + "/hook",
                "http://10.1.2.3/hook", "http://172.16.0.1/hook", "http://192.168.1.1/hook", "http://100.64.0.1/hook",
                "http://169.254.169.254/latest/meta-data/", "http://169.254.1.1/hook", "http://[fe80::1]/hook",
                "http://[fc00::1]/hook", "http://[fd00:ec2::254]/hook", "http://[::ffff:10.0.0.1]/hook",
                "http://[::ffff:169.254.169.254]/hook", "http://[64:ff9b::a9fe:a9fe]/hook", "http://224.0.0.1/hook");
        for (String url : urls) {
            JsonNode problem = assertProblem(create(url), 400, "invalid_destination_config");
            assertThat(problem.path("errors").get(0).path("pointer").asString()).as(url).isEqualTo("/config/url");
            assertThat(problem.path("errors").get(0).path("message").asString()).as(url)
                    .containsAnyOf("public addresses only", "cloud metadata");
        }
        assertThat(json(http.get("/v1/destinations", token)).path("items")).isEmpty();
    }

    @Test
    void shouldRefuseNamesThatResolveToForbiddenAddressesAndNeverAllowCloudMetadata() {
        TestHosts.point("internal.ssrf.test", "10.0.0.7");
        TestHosts.point("metadata.ssrf.test", "169.254.169.254");
        TestHosts.point("mixed.ssrf.test", "93.184.215.14", "127.0.0.2");
        TestHosts.point("loopback6.ssrf.test", "::1");

        for (String host : List.of("internal.ssrf.test", "mixed.ssrf.test", "loopback6.ssrf.test")) {
            JsonNode problem = assertProblem(create(peers.url(host, hook)), 400, "invalid_destination_config");
            assertThat(problem.path("errors").get(0).path("pointer").asString()).isEqualTo("/config/url");
            assertThat(problem.path("errors").get(0).path("message").asString())
                    .startsWith("'" + host + "' resolves to a ");
        }
        JsonNode metadata = assertProblem(create("http://metadata.ssrf.test/latest/meta-data/"), 400,
                "invalid_destination_config");
        assertThat(metadata.path("errors").get(0).path("message").asString()).contains("cloud metadata");
        JsonNode unknown = assertProblem(create("http://nowhere.ssrf.invalid/hook"), 400, "invalid_destination_config");
        assertThat(unknown.path("errors").get(0).path("message").asString()).contains("does not resolve");

        // an update is checked the same way
        String id = api.createWebhook(peers.url(hook), "s", "[\"*\"]", "[]", true);
        JsonNode replaced = assertProblem(http.put("/v1/destinations/" + id, token, webhookBody(
                "http://internal.ssrf.test/hook")), 400, "invalid_destination_config");
        assertThat(replaced.path("errors").get(0).path("pointer").asString()).isEqualTo("/config/url");
    }

    @Test
    void shouldRefuseAtSendTimeANameThatNowResolvesToAForbiddenAddress() {
        String host = "rebind-" + UUID.randomUUID() + ".ssrf.test";
        TestHosts.point(host, "127.0.0.1");
        peers.accepts(hook);
        String destinationId = api.createWebhook(peers.url(host, hook), "s", "[\"Order Completed\"]", "[]", true);
        peers.consent.decides(profileId, "allow", "dec-rebind");

        // the name now answers with another loopback address, where WireMock listens too
        TestHosts.point(host, "127.0.0.2");
        peers.upstream().send(TestMessages.track(workspace, profileId, "Order Completed"));

        JsonNode dead = awaitStatus(destinationId, "dead");
        assertThat(dead.path("lastError").asString())
                .isEqualTo("not sent: '" + host + "' resolves to a loopback address; destinations may reach public "
                        + "addresses only");
        assertThat(dead.path("attempts").asInt()).isEqualTo(1);
        assertThat(peers.requests(hook)).isEmpty();
    }

    @Test
    void shouldNotFollowRedirectsAnywhere() {
        String target = Peers.newHook();
        peers.accepts(target);
        wiremock.stubFor(post(urlEqualTo(hook)).willReturn(aResponse().withStatus(307)
                .withHeader("Location", peers.url("127.0.0.1", target))));
        String metadataHook = Peers.newHook();
        wiremock.stubFor(post(urlEqualTo(metadataHook)).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://169.254.169.254/latest/meta-data/")));
        peers.consent.decides(profileId, "allow", "dec-redirect");
        String toAllowed = api.createWebhook(peers.url("127.0.0.1", hook), "s", "[\"Order Completed\"]", "[]", true);
        String toMetadata = api.createWebhook(peers.url("127.0.0.1", metadataHook), "s", "[\"Order Completed\"]", "[]",
                true);

        peers.upstream().send(TestMessages.track(workspace, profileId, "Order Completed"));

        assertThat(awaitStatus(toAllowed, "dead").path("lastError").asString())
                .isEqualTo("HTTP 307: redirects are not followed");
        assertThat(awaitStatus(toMetadata, "dead").path("lastError").asString())
                .isEqualTo("HTTP 302: redirects are not followed");
        assertThat(peers.requests(hook)).hasSize(1);
        assertThat(peers.requests(metadataHook)).hasSize(1);
        assertThat(peers.requests(target)).isEmpty();
    }

    @Test
    void shouldShowTenantsOnlyAStatusAndAShortSanitisedReason() {
        String secretish = "Internal error at db-7.internal:5432\r\n\u0000user=admin password=" + "x".repeat(4000);
        wiremock.stubFor(post(urlEqualTo(hook)).willReturn(aResponse().withStatus(400).withBody(secretish)));
        String closedPort = Peers.newHook();
        peers.consent.decides(profileId, "allow", "dec-sanitised");
        String refusing = api.createWebhook(peers.url("127.0.0.1", hook), "s", "[\"Order Completed\"]", "[]", true);
        // nothing listens on port 9 (discard) of 127.0.0.1: the connection is refused
        String unreachable = api.createWebhook("http://127.0.0.1:9" + closedPort, "s", "[\"Order Completed\"]", "[]",
                true);

        peers.upstream().send(TestMessages.track(workspace, profileId, "Order Completed"));

        String error = awaitStatus(refusing, "dead").path("lastError").asString();
        assertThat(error).startsWith("HTTP 400: Internal error at db-7.internal:5432 user=admin password=xxx")
                .hasSizeLessThanOrEqualTo("HTTP 400: ".length() + 120)
                .doesNotContainPattern("[\\p{Cntrl}]");
        await().atMost(TIMEOUT).until(() -> !api.deliveries(unreachable).isEmpty()
                && !api.deliveries(unreachable).getFirst().path("lastError").isNull());
        assertThat(api.deliveries(unreachable).getFirst().path("lastError").asString()).isEqualTo("connection refused");
        assertThat(wiremock.findAll(anyRequestedFor(anyUrl())).stream()
                .filter(r -> r.getUrl().equals(closedPort))).isEmpty();
    }

    private HttpResponse<String> create(String url) {
        return http.post("/v1/destinations", token, webhookBody(url));
    }

    private static String webhookBody(String url) {
        return """
                {"name": "Hook", "type": "webhook", "config": {"url": "%s", "secret": "s"},
                 "requiredPurposes": ["marketing"], "subscriptions": {"events": ["*"]}}""".formatted(url);
    }

    private JsonNode awaitStatus(String destinationId, String status) {
        await().atMost(TIMEOUT).until(() -> api.deliveries(destinationId).stream()
                .anyMatch(d -> d.path("status").asString().equals(status)));
        return api.deliveries(destinationId).stream().filter(d -> d.path("status").asString().equals(status))
                .findFirst().orElseThrow();
    }
}
