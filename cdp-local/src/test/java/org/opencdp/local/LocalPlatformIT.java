package org.opencdp.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
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
import org.opencdp.contracts.MessageCodec;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.TokenIssuer;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.opencdp.testsupport.TestInfrastructure;

/**
 * The six services started by {@link LocalPlatform} on the test infrastructure (real Kafka and
 * PostgreSQL), the way the e2e tests and {@code ./cdp up} use it; one platform for the class.
 * Starting and stopping are in {@link LocalPlatformLifecycleIT}.
 */
@ExtendWith(CdpTestEnvironment.class)
class LocalPlatformIT {

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
    void shouldAnswerHealthUpAndApiDocsOnEveryServiceReportedInOrder() {
        assertThat(REPORTED).containsExactly(PlatformService.values());
        for (PlatformService service : PlatformService.values()) {
            URI url = platform.url(service);
            assertThat(url).isEqualTo(URI.create("http://localhost:" + ports.get(service)));

            ApiClient api = api(service);
            assertThat(ApiClient.body(api.get("/actuator/health", null), 200).get("status").asString())
                    .as(service + " status").isEqualTo("UP");
            assertThat(ApiClient.body(api.get("/v3/api-docs", null), 200).has("openapi"))
                    .as(service + " api-docs body").isTrue();
        }
    }

    @Test
    void shouldVerifyTokensWithTheSecretOfTheSettings() {
        ApiClient ingestion = api(PlatformService.INGESTION);

        assertThat(ingestion.get("/v1/sources", infrastructure.token("ws-local", Scopes.SOURCES_READ)).statusCode())
                .isEqualTo(200);
        assertThat(ingestion.get("/v1/sources", new TokenIssuer("another-secret-of-at-least-32-bytes!")
                .issue("ws-local", Scopes.SOURCES_READ, "test", Duration.ofMinutes(1))).statusCode()).isEqualTo(401);
        assertThat(ingestion.get("/v1/sources", null).statusCode()).isEqualTo(401);
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
        assertThat(api(PlatformService.INGESTION).track("/v1/track", created.source().writeKey(),
                "{\"userId\":\"u1\",\"event\":\"Signed Up\"}").statusCode()).isEqualTo(200);

        Files.writeString(file, MessageCodec.mapper().writeValueAsString(new DemoWorkspace.DemoSource("demo",
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

    private static ApiClient api(PlatformService service) {
        return ApiClient.at(platform.url(service).toString());
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
