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
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
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

    /**
     * Issue 17: six services share this JVM's logging, and each line names the service whose thread
     * wrote it: HTTP requests and Kafka listener threads included.
     */
    @Test
    void shouldNameTheServiceInEveryLineItsRequestsAndConsumersWrite(@TempDir Path temp) throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Encoder<ILoggingEvent> encoder = LauncherLogging.encoder(context, LauncherLogging.FILE_PATTERN);
        List<String> lines = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                lines.add(new String(encoder.encode(event), StandardCharsets.UTF_8)); // on the logging thread
            }
        };
        capture.setContext(context);
        capture.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Logger dispatcher = context.getLogger("org.springframework.web.servlet.DispatcherServlet");
        ch.qos.logback.classic.Logger listeners = context.getLogger("org.springframework.kafka.listener");
        Level dispatcherLevel = dispatcher.getLevel();
        Level listenersLevel = listeners.getLevel();
        root.addAppender(capture);
        dispatcher.setLevel(Level.DEBUG);
        listeners.setLevel(Level.DEBUG);
        try {
            for (PlatformService service : PlatformService.values()) {
                assertThat(api(service).get("/v1/unknown-" + service.shortName(),
                        infrastructure.token("ws-logs", Scopes.SOURCES_READ)).statusCode()).isEqualTo(404);
            }
            var demo = (DemoWorkspace.Outcome.Ready) new DemoWorkspace(platform.url(PlatformService.INGESTION),
                    new TokenIssuer(infrastructure.jwtSecret()), temp.resolve("demo.json")).ensure();
            assertThat(api(PlatformService.INGESTION).track("/v1/track", demo.source().writeKey(),
                    "{\"userId\":\"u-logs\",\"event\":\"Logged\"}").statusCode()).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> lines.stream()
                    .anyMatch(line -> line.contains("[cdp-identity-consumer-"))
                    && lines.stream().anyMatch(line -> line.contains("[cdp-profile-consumer-")));
        } finally {
            root.detachAppender(capture);
            dispatcher.setLevel(dispatcherLevel);
            listeners.setLevel(listenersLevel);
        }

        for (PlatformService service : PlatformService.values()) {
            List<String> requestLines = lines.stream().filter(line -> line.contains("/v1/unknown-" + service.shortName()))
                    .toList();
            assertThat(requestLines).as(service + "'s request lines").isNotEmpty()
                    .allSatisfy(line -> assertThat(LogFollower.serviceOf(line)).as(line).isEqualTo(service.shortName()));
        }
        for (PlatformService service : PlatformService.values()) {
            lines.stream().filter(line -> line.contains("[cdp-" + service.shortName() + "-consumer-"))
                    .forEach(line -> assertThat(LogFollower.serviceOf(line)).as(line).isEqualTo(service.shortName()));
        }
    }

    /** Issue 17: ./cdp status shows every service UP with its consumers' lag and its outbox, from its metrics. */
    @Test
    void shouldPrintEachServicesHealthLagAndOutboxWithStatus() {
        List<String> args = new ArrayList<>(List.of("status"));
        ports.forEach((service, port) -> args.addAll(List.of("--" + service.shortName() + "-port", port.toString())));
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int exit = CdpLocal.run(new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                    new java.io.PrintStream(new java.io.ByteArrayOutputStream()), args.toArray(String[]::new));
            String text = out.toString(StandardCharsets.UTF_8);
            assertThat(exit).as(text).isZero();
            for (PlatformService service : PlatformService.values()) {
                assertThat(text).containsPattern("(?m)^" + service.serviceName() + " +UP +\\d+ +\\d+ unpublished");
            }
            // identity consumes the accepted events: its lag is measured per topic
            assertThat(text).containsPattern("(?m)^  cdp\\.ingestion\\.events\\.v1 +\\d+$");
        });
    }

    /**
     * Issue 17: every metric the Grafana dashboard (deploy/grafana/dashboards/opencdp.json) queries is
     * exported by at least one service, once an event went through.
     */
    @Test
    void shouldExportEveryMetricTheDashboardQueries(@TempDir Path temp) throws Exception {
        JsonNode dashboard = MessageCodec.mapper().readTree(Files.readString(
                Path.of("..", "deploy", "grafana", "dashboards", "opencdp.json")));
        java.util.Set<String> queried = new java.util.TreeSet<>();
        java.util.regex.Pattern metric = java.util.regex.Pattern.compile("\\b((?:cdp|http)_[a-z0-9_]+)\\b");
        dashboard.findValues("expr").forEach(expr -> {
            java.util.regex.Matcher matcher = metric.matcher(expr.asString());
            while (matcher.find()) {
                queried.add(matcher.group(1));
            }
        });
        assertThat(queried).contains("cdp_consumer_lag", "cdp_outbox_backlog", "cdp_outbox_oldest_age_seconds");

        var demo = (DemoWorkspace.Outcome.Ready) new DemoWorkspace(platform.url(PlatformService.INGESTION),
                new TokenIssuer(infrastructure.jwtSecret()), temp.resolve("demo.json")).ensure();
        assertThat(api(PlatformService.INGESTION).track("/v1/track", demo.source().writeKey(),
                "{\"userId\":\"u-dashboard\",\"event\":\"Viewed\"}").statusCode()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            StringBuilder scrapes = new StringBuilder();
            for (PlatformService service : PlatformService.values()) {
                var scrape = api(service).get("/actuator/prometheus", null);
                assertThat(scrape.statusCode()).as(service + " /actuator/prometheus").isEqualTo(200);
                scrapes.append(scrape.body());
            }
            String exported = scrapes.toString();
            assertThat(queried).allSatisfy(name -> assertThat(exported).as(name)
                    .containsPattern("(?m)^" + name + "[{ ]"));
        });
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
