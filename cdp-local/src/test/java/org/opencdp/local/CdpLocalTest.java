package org.opencdp.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencdp.kit.security.Scopes;

/** The launcher without starting anything: arguments, ports, the secret, tokens, the banner. */
class CdpLocalTest {

    @TempDir
    Path temp;

    // --- arguments

    @Test
    void shouldPrintUsageWithoutArgumentsOrForHelp() {
        assertThat(CommandLine.parse()).isInstanceOf(Command.Help.class);
        assertThat(CommandLine.parse("help")).isInstanceOf(Command.Help.class);
        assertThat(CommandLine.parse("--help")).isInstanceOf(Command.Help.class);

        Run run = run();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: ./cdp <command>", "up", "token", "--fresh", "--workspace");
    }

    @Test
    void shouldUseDefaultsForUp() {
        Command.Up up = (Command.Up) CommandLine.parse("up");

        assertThat(up.dataDir()).isEqualTo(Path.of(".cdp"));
        assertThat(up.fresh()).isFalse();
        assertThat(up.kafkaPort()).isEqualTo(19092);
        assertThat(up.kafkaControllerPort()).isEqualTo(19093);
        assertThat(up.postgresPort()).isEqualTo(54329);
        assertThat(up.ports()).containsExactlyInAnyOrderEntriesOf(Map.of(
                PlatformService.INGESTION, 8081, PlatformService.IDENTITY, 8082, PlatformService.PROFILE, 8083,
                PlatformService.SEGMENTATION, 8084, PlatformService.ACTIVATION, 8085, PlatformService.CONSENT, 8086));
    }

    @Test
    void shouldParseEveryOptionOfUpInBothForms() {
        Command.Up up = (Command.Up) CommandLine.parse("up", "--fresh", "--data-dir", "/tmp/x",
                "--kafka-port=29092", "--postgres-port", "55432", "--profile-port=9083", "--consent-port", "9086");

        assertThat(up.fresh()).isTrue();
        assertThat(up.dataDir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(up.kafkaPort()).isEqualTo(29092);
        assertThat(up.postgresPort()).isEqualTo(55432);
        assertThat(up.ports()).containsEntry(PlatformService.PROFILE, 9083)
                .containsEntry(PlatformService.CONSENT, 9086)
                .containsEntry(PlatformService.INGESTION, 8081);
    }

    @Test
    void shouldRefuseUnknownCommandsOptionsAndBadPortsWithUsageExitCode() {
        assertUsageError(List.of("start"), "Unknown command 'start'");
        assertUsageError(List.of("up", "--verbose"), "Unknown option --verbose for up");
        assertUsageError(List.of("up", "--billing-port", "1"), "Unknown option --billing-port");
        assertUsageError(List.of("up", "--kafka-port", "http"), "--kafka-port must be a port number");
        assertUsageError(List.of("up", "--postgres-port", "70000"), "between 1 and 65535");
        assertUsageError(List.of("up", "--data-dir"), "--data-dir needs a value");
        assertUsageError(List.of("up", "--fresh=yes"), "--fresh takes no value");
        assertUsageError(List.of("up", "fresh"), "Unexpected argument 'fresh'");
    }

    @Test
    void shouldParseTokenOptionsWithAllScopesAndOneDayByDefault() {
        Command.Token token = (Command.Token) CommandLine.parse("token", "--workspace", "acme");

        assertThat(token.workspace()).isEqualTo("acme");
        assertThat(token.ttl()).isEqualTo(Duration.ofHours(24));
        assertThat(token.scopes().split(" ")).containsExactlyInAnyOrderElementsOf(Scopes.ALL)
                .contains("sources:write", "profiles:read", "segments:write", "destinations:write", "consent:write");

        Command.Token custom = (Command.Token) CommandLine.parse("token", "--workspace=ws-2",
                "--scopes", "  profiles:read   segments:write ", "--ttl", "90m");
        assertThat(custom.scopes()).isEqualTo("profiles:read segments:write");
        assertThat(custom.ttl()).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void shouldRefuseTokenWithoutWorkspaceOrWithABadOne() {
        assertUsageError(List.of("token"), "token needs --workspace");
        assertUsageError(List.of("token", "--workspace", "a b"), "Workspace ids are letters, digits");
        assertUsageError(List.of("token", "--workspace", "demo", "--ttl", "soon"), "Not a duration: 'soon'");
        assertUsageError(List.of("token", "--workspace", "demo", "--ttl", "0s"), "must be positive");
        assertUsageError(List.of("token", "--workspace", "demo", "--scopes", " "), "--scopes is empty");
    }

    @Test
    void shouldReadDurationsInShortAndIsoForms() {
        assertThat(CommandLine.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(CommandLine.duration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(CommandLine.duration("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(CommandLine.duration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(CommandLine.duration("PT2H30M")).isEqualTo(Duration.ofMinutes(150));
    }

    @Test
    void shouldDescribeTheSameUsageInTheScriptAsInTheLauncher() throws IOException {
        Path script = Path.of("..", "cdp");
        assertThat(script).isRegularFile().isExecutable();
        assertThat(Files.readString(script)).contains(CommandLine.USAGE.stripTrailing());
    }

    // --- ports

    @Test
    void shouldReportAPortTakenByAnotherProcessNamingWhoWantedIt() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Map<PlatformService, Integer> ports = new EnumMap<>(LocalPlatformSettings.defaultPorts());
            ports.put(PlatformService.SEGMENTATION, port);
            Command.Up up = new Command.Up(temp, false, freePort(), freePort(), ports);

            List<PortCheck.WantedPort> inUse = PortCheck.taken(PortCheck.wantedBy(up)).stream()
                    .filter(each -> each.port() == port).toList();

            assertThat(inUse).singleElement().satisfies(each -> {
                assertThat(each.wantedBy()).isEqualTo("segmentation-service");
                assertThat(each.option()).isEqualTo("--segmentation-port");
            });
            assertThat(PortCheck.describe(inUse)).isEqualTo("Port " + port + " is already in use; "
                    + "segmentation-service wanted it. Stop what uses it, or choose another port with "
                    + "--segmentation-port.");
        }
    }

    @Test
    void shouldSeeAPortAsFreeOnceItsServerSocketIsClosed() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
            assertThat(PortCheck.inUse(port)).isTrue();
        }
        assertThat(PortCheck.inUse(port)).isFalse();
    }

    @Test
    void shouldRefuseToStartWhenAPortIsTakenAndExitNonZero() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Run run = run("up", "--data-dir", temp.resolve("data").toString(),
                    "--postgres-port", Integer.toString(taken.getLocalPort()),
                    "--kafka-port", Integer.toString(freePort()));

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).contains("Port " + taken.getLocalPort() + " is already in use; "
                    + "the embedded PostgreSQL wanted it", "--postgres-port");
            assertThat(temp.resolve("data").resolve("postgres")).doesNotExist();
        }
    }

    @Test
    void shouldRefuseTwoComponentsOnOnePort() {
        Map<PlatformService, Integer> ports = new EnumMap<>(LocalPlatformSettings.defaultPorts());
        ports.put(PlatformService.CONSENT, 54329);
        Command.Up up = new Command.Up(temp, false, 19092, 54329, ports);

        assertThatThrownBy(() -> PortCheck.wantedBy(up))
                .isInstanceOf(LauncherException.class)
                .hasMessageContaining("Port 54329 is wanted twice: by the embedded PostgreSQL and by consent-service");
    }

    // --- secret and tokens

    @Test
    void shouldGenerateTheSecretOnceOwnerOnlyAndKeepIt() throws IOException {
        DataDirectory data = new DataDirectory(temp.resolve(".cdp"));

        String first = data.secretCreatingIfMissing();
        String second = data.secretCreatingIfMissing();

        assertThat(first).hasSize(64).matches("[0-9a-f]+").isEqualTo(second);
        assertThat(Files.readString(data.secretFile()).trim()).isEqualTo(first);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(Files.getPosixFilePermissions(data.secretFile()))
                    .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        }
        assertThat(new DataDirectory(temp.resolve("other")).secretCreatingIfMissing()).isNotEqualTo(first);
    }

    @Test
    void shouldTellToRunUpFirstWhenTheSecretIsMissing() {
        Run run = run("token", "--workspace", "demo", "--data-dir", temp.resolve("nothing").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("No local secret at", "run ./cdp up once first");
    }

    @Test
    void shouldPrintATokenSignedWithTheLocalSecretForTheWorkspaceAndScopes() throws Exception {
        Path dir = temp.resolve(".cdp");
        String secret = new DataDirectory(dir).secretCreatingIfMissing();

        Run run = run("token", "--workspace", "acme", "--scopes", "profiles:read segments:write", "--ttl", "2h",
                "--data-dir", dir.toString());

        assertThat(run.exitCode()).isZero();
        SignedJWT jwt = SignedJWT.parse(run.out().trim());
        assertThat(jwt.verify(new MACVerifier(secret.getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getStringClaim("ws")).isEqualTo("acme");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("scope")).isEqualTo("profiles:read segments:write");
        assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant())
                .isBetween(Instant.now().plus(Duration.ofMinutes(119)), Instant.now().plus(Duration.ofMinutes(121)));
        assertThat(run.out()).doesNotContain(secret);
    }

    @Test
    void shouldWipeOnlyWhatTheLauncherWrote() throws IOException {
        DataDirectory data = new DataDirectory(temp.resolve(".cdp"));
        data.secretCreatingIfMissing();
        Files.createDirectories(data.postgres().resolve("base"));
        Files.writeString(data.postgres().resolve("base").resolve("file"), "x");
        Files.createDirectories(data.kafka());
        Files.writeString(data.demoFile(), "{}");
        Files.writeString(data.root().resolve("notes.txt"), "mine");

        data.wipe();

        assertThat(data.secretFile()).doesNotExist();
        assertThat(data.postgres()).doesNotExist();
        assertThat(data.kafka()).doesNotExist();
        assertThat(data.demoFile()).doesNotExist();
        assertThat(data.root().resolve("notes.txt")).hasContent("mine");
    }

    @Test
    void shouldRefuseASecondLauncherOnTheSameDataDirectory() throws IOException {
        DataDirectory data = new DataDirectory(temp);
        data.create();
        try (var lock = data.tryLock()) {
            assertThat(lock).isNotNull();
            assertThat(data.tryLock()).isNull();

            Run run = run("up", "--data-dir", temp.toString());
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).contains("Another ./cdp up is already running on " + temp.toAbsolutePath());
        }
        try (var again = data.tryLock()) {
            assertThat(again).isNotNull();
        }
    }

    // --- settings, arguments, banner

    @Test
    void shouldPassEverySettingToEachServiceAsACommandLineArgument() {
        LocalPlatformSettings settings = new LocalPlatformSettings("127.0.0.1:19092",
                "jdbc:postgresql://localhost:54329/cdp", "postgres", null, "s".repeat(64),
                LocalPlatformSettings.defaultPorts(), Map.of("cdp.kit.outbox.poll-interval", "50ms"));

        List<String> activation = LocalPlatform.arguments(PlatformService.ACTIVATION, settings, settings.ports());
        List<String> profile = LocalPlatform.arguments(PlatformService.PROFILE, settings, settings.ports());

        assertThat(activation).contains("--server.port=8085", "--spring.kafka.bootstrap-servers=127.0.0.1:19092",
                "--spring.datasource.url=jdbc:postgresql://localhost:54329/cdp",
                "--spring.datasource.username=postgres", "--spring.datasource.password=",
                "--cdp.kit.security.jwt-secret=" + "s".repeat(64),
                "--cdp.activation.consent.url=http://localhost:8086", "--cdp.activation.network.allow=127.0.0.0/8,::1",
                "--cdp.kit.outbox.poll-interval=50ms");
        assertThat(profile).contains("--server.port=8083")
                .noneMatch(argument -> argument.startsWith("--cdp.activation."));
        assertThat(LocalPlatform.arguments(PlatformService.SEGMENTATION, settings, settings.ports()))
                .contains("--server.port=8084", "--cdp.segmentation.profile.url=http://localhost:8083");
        assertThat(settings.toString()).doesNotContain("s".repeat(64));
    }

    @Test
    void shouldRequireAPortForEveryService() {
        Map<PlatformService, Integer> ports = new EnumMap<>(LocalPlatformSettings.defaultPorts());
        ports.remove(PlatformService.CONSENT);

        assertThatThrownBy(() -> new LocalPlatformSettings("k:1", "jdbc:postgresql://h/db", "u", "p",
                "s".repeat(32), ports, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("consent-service");
    }

    @Test
    void shouldShowUrlsWriteKeyTokenAndAFirstCurlInTheBanner() {
        DataDirectory data = new DataDirectory(temp);
        Map<PlatformService, java.net.URI> urls = new EnumMap<>(PlatformService.class);
        for (PlatformService service : PlatformService.values()) {
            urls.put(service, java.net.URI.create("http://localhost:" + service.defaultPort()));
        }
        var source = new DemoWorkspace.DemoSource("demo", "src-1", "Demo website", "wk_123", Instant.now());

        String banner = Banner.render(new Banner.Facts(urls, Duration.ofMillis(31_400), "127.0.0.1:19092",
                "jdbc:postgresql://localhost:54329/cdp", data, new DemoWorkspace.Outcome.Ready(source, true),
                "eyJ.token", Duration.ofHours(24)));

        assertThat(banner).contains("all six services UP 31.4 s after launch",
                "http://localhost:8081/v3/api-docs", "http://localhost:8086/actuator/health",
                "Write key          wk_123", "Management token   eyJ.token", "valid 24 h",
                "curl -u 'wk_123:'", "http://localhost:8081/v1/track", "127.0.0.1:19092", "Ctrl-C stops everything");

        String failed = Banner.render(new Banner.Facts(urls, Duration.ofSeconds(30), "k", "j", data,
                new DemoWorkspace.Outcome.Failed("POST /v1/sources answered 503"), "eyJ.token", Duration.ofHours(1)));
        assertThat(failed).contains("could not be created (POST /v1/sources answered 503)", "eyJ.token")
                .doesNotContain("curl -u");
    }

    @Test
    void shouldKeepBrokerAndSpringdocWarningsOffTheConsoleButNotClientOnes() {
        assertThat(LauncherLogging.isFileOnlyWarning("kafka.server.BrokerServer")).isTrue();
        assertThat(LauncherLogging.isFileOnlyWarning("org.apache.kafka.controller.QuorumController")).isTrue();
        assertThat(LauncherLogging.isFileOnlyWarning("org.apache.kafka.clients.NetworkClient")).isFalse();
        assertThat(LauncherLogging.isFileOnlyWarning("org.opencdp.kit.outbox.OutboxRelay")).isFalse();
        assertThat(LauncherLogging.isFileOnlyWarning("org.springdoc.core.utils.SpringDocAnnotationsUtils")).isTrue();
    }

    @Test
    void shouldAddExtraPropertiesWithTheNewOnesWinning() {
        LocalPlatformSettings settings = new LocalPlatformSettings("k:1", "jdbc:postgresql://h/db", "u", "p",
                "s".repeat(32), LocalPlatformSettings.defaultPorts(), Map.of("a", "1", "b", "2"));

        LocalPlatformSettings more = settings.withExtraProperties(Map.of("b", "3", "c", "4"));

        assertThat(more.extraProperties()).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "3", "c", "4"));
        assertThat(settings.extraProperties()).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2"));
    }

    // --- stopping

    @Test
    void shouldCloseResourcesInReverseOrderOnceAndCloseLateOnesAtOnce() {
        List<String> events = new java.util.ArrayList<>();
        Resources resources = new Resources(events::add);
        resources.add("PostgreSQL", () -> events.add("closed PostgreSQL"));
        resources.add("Kafka", () -> events.add("closed Kafka"));
        resources.add("the services", () -> {
            throw new IllegalStateException("stuck");
        });

        resources.closeAll();
        resources.closeAll();
        resources.add("late", () -> events.add("closed late"));

        assertThat(resources.closing()).isTrue();
        assertThat(events).containsExactly("Stopping the services…", "Could not stop the services cleanly: stuck",
                "Stopping Kafka…", "closed Kafka", "Stopping PostgreSQL…", "closed PostgreSQL",
                "Stopping late…", "closed late");
    }

    // --- helpers

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = CdpLocal.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertUsageError(List<String> args, String message) {
        assertThatThrownBy(() -> CommandLine.parse(args.toArray(String[]::new)))
                .isInstanceOf(LauncherException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((LauncherException) e).exitCode()).isEqualTo(LauncherException.USAGE));
        Run run = run(args.toArray(String[]::new));
        assertThat(run.exitCode()).isEqualTo(LauncherException.USAGE);
        assertThat(run.err()).contains(message, "./cdp help");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
