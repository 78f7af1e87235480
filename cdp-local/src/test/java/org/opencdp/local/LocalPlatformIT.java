package org.opencdp.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opencdp.kit.security.TokenIssuer;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;
import tools.jackson.databind.json.JsonMapper;

/**
 * The six services started by {@link LocalPlatform} on the test infrastructure (real Kafka and
 * PostgreSQL), the way the e2e tests and {@code ./cdp up} use it; one platform for the class.
 * Starting and stopping are in {@link LocalPlatformLifecycleIT}.
 */
@ExtendWith(CdpTestEnvironment.class)
class LocalPlatformIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static LocalPlatform platform;
    private static Map<PlatformService, Integer> ports;
    private static final List<PlatformService> REPORTED = new ArrayList<>();

    private final TestInfrastructure infrastructure = CdpTestEnvironment.current();

    @BeforeAll
    static void startPlatform() throws IOException {
        ports = freePorts();
        platform = LocalPlatform.start(settings(CdpTestEnvironment.current(), ports),
                (service, url, took) -> REPORTED.add(service));
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldAnswerHealthUpAndApiDocsOnEveryServiceReportedInOrder() throws Exception {
        assertThat(REPORTED).containsExactly(PlatformService.values());
        for (PlatformService service : PlatformService.values()) {
            URI url = platform.url(service);
            assertThat(url).isEqualTo(URI.create("http://localhost:" + ports.get(service)));

            HttpResponse<String> health = get(url.resolve("/actuator/health"), null);
            assertThat(health.statusCode()).as(service + " health").isEqualTo(200);
            assertThat(JSON.readTree(health.body()).get("status").asString()).as(service + " status").isEqualTo("UP");

            HttpResponse<String> docs = get(url.resolve("/v3/api-docs"), null);
            assertThat(docs.statusCode()).as(service + " api-docs").isEqualTo(200);
            assertThat(JSON.readTree(docs.body()).has("openapi")).as(service + " api-docs body").isTrue();
        }
    }

    @Test
    void shouldVerifyTokensWithTheSecretOfTheSettings() throws Exception {
        URI sources = platform.url(PlatformService.INGESTION).resolve("/v1/sources");

        assertThat(get(sources, infrastructure.token("ws-local", "sources:read")).statusCode()).isEqualTo(200);
        assertThat(get(sources, new TokenIssuer("another-secret-of-at-least-32-bytes!")
                .issue("ws-local", "sources:read", "test", Duration.ofMinutes(1))).statusCode()).isEqualTo(401);
        assertThat(get(sources, null).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldCreateTheDemoSourceOnceThenReuseItUntilIngestionNoLongerKnowsIt(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("demo.json");
        DemoWorkspace demo = new DemoWorkspace(platform.url(PlatformService.INGESTION),
                new TokenIssuer(infrastructure.jwtSecret()), file);

        var created = (DemoWorkspace.Outcome.Ready) demo.ensure();
        var again = (DemoWorkspace.Outcome.Ready) demo.ensure();

        assertThat(created.created()).isTrue();
        assertThat(created.source().workspace()).isEqualTo("demo");
        assertThat(created.source().writeKey()).isNotBlank();
        assertThat(again.created()).isFalse();
        assertThat(again.source()).isEqualTo(created.source());
        assertThat(track(created.source().writeKey())).isEqualTo(200);

        Files.writeString(file, JSON.writeValueAsString(new DemoWorkspace.DemoSource("demo",
                "00000000-0000-0000-0000-000000000000", "Demo website", "wk_forgotten", Instant.now())));
        var recreated = (DemoWorkspace.Outcome.Ready) demo.ensure();
        assertThat(recreated.created()).isTrue();
        assertThat(recreated.source().writeKey()).isNotIn("wk_forgotten", created.source().writeKey());
        assertThat(demo.read()).isEqualTo(recreated.source());
    }

    static LocalPlatformSettings settings(TestInfrastructure infrastructure,
                                                  Map<PlatformService, Integer> ports) {
        return new LocalPlatformSettings(infrastructure.bootstrapServers(), infrastructure.jdbcUrl(),
                infrastructure.jdbcUser(), infrastructure.jdbcPassword(), infrastructure.jwtSecret(), ports,
                // small pools: the test PostgreSQL is shared with other test JVMs
                Map.of("cdp.kit.outbox.poll-interval", "50ms", "cdp.kit.kafka.partitions", "3",
                        "spring.datasource.hikari.maximum-pool-size", "3"));
    }

    private int track(String writeKey) throws IOException, InterruptedException {
        String credentials = java.util.Base64.getEncoder().encodeToString((writeKey + ":").getBytes());
        HttpRequest request = HttpRequest.newBuilder(platform.url(PlatformService.INGESTION).resolve("/v1/track"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + credentials)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"u1\",\"event\":\"Signed Up\"}"))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static HttpResponse<String> get(URI uri, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<PlatformService, Integer> freePorts() throws IOException {
        Map<PlatformService, Integer> free = new EnumMap<>(PlatformService.class);
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (PlatformService service : PlatformService.values()) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                free.put(service, socket.getLocalPort());
            }
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
        return free;
    }
}
