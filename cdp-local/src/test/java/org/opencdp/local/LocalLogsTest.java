package org.opencdp.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.kit.logging.ServiceLogContext;
import tools.jackson.databind.JsonNode;

/** Issue 17: under ./cdp up every log line names its service, and ./cdp logs [service] follows them. */
class LocalLogsTest {

    @TempDir
    Path temp;

    @Test
    void shouldParseLogsWithAServiceOrNoneAndUpWithJson() {
        Command.Logs all = (Command.Logs) CommandLine.parse("logs");
        assertThat(all.service()).isNull();
        assertThat(all.follow()).isTrue();
        assertThat(all.lines()).isEqualTo(50);

        Command.Logs one = (Command.Logs) CommandLine.parse("logs", "identity-service", "--lines", "5", "--no-follow",
                "--data-dir", temp.toString());
        assertThat(one).isEqualTo(new Command.Logs(temp, "identity", 5, false));
        assertThat(((Command.Logs) CommandLine.parse("logs", "cdp")).service()).isEqualTo("cdp");

        assertThat(((Command.Up) CommandLine.parse("up", "--json")).json()).isTrue();
        assertThat(((Command.Up) CommandLine.parse("up")).json()).isFalse();
    }

    @Test
    void shouldRefuseAnUnknownServiceOrABadLineCountWithUsageExitCode() {
        assertThatThrownBy(() -> CommandLine.parse("logs", "billing")).isInstanceOf(LauncherException.class)
                .hasMessageContaining("No service 'billing'").hasMessageContaining("ingestion, identity");
        assertThatThrownBy(() -> CommandLine.parse("logs", "--lines", "many")).isInstanceOf(LauncherException.class)
                .hasMessageContaining("--lines must be a number");
        assertThatThrownBy(() -> CommandLine.parse("logs", "--no-follow=yes")).isInstanceOf(LauncherException.class);
    }

    @Test
    void shouldTellToRunUpFirstWhenThereIsNoLog() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = CdpLocal.run(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err), "logs",
                "--data-dir", temp.toString(), "--no-follow");

        assertThat(exit).isEqualTo(LauncherException.FAILURE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("No log at").contains("run ./cdp up first");
    }

    @Test
    void shouldNameTheServiceOfTheThreadInEveryTextLineAndCdpOtherwise() {
        LoggerContext context = new LoggerContext();
        Encoder<ILoggingEvent> encoder = LauncherLogging.encoder(context, LauncherLogging.FILE_PATTERN);

        String identity = line(encoder, context, Map.of(ServiceLogContext.MDC_KEY, "identity"), "resolved 3 events");
        String launcher = line(encoder, context, Map.of(), "Kafka ready");

        assertThat(LogFollower.serviceOf(identity.strip())).isEqualTo("identity");
        assertThat(identity).contains(" identity ").endsWith("- resolved 3 events\n");
        assertThat(LogFollower.serviceOf(launcher.strip())).isEqualTo("cdp");
    }

    @Test
    void shouldWriteJsonLinesWithTheServiceField() {
        LoggerContext context = new LoggerContext();
        Encoder<ILoggingEvent> encoder = LauncherLogging.jsonEncoder(context);

        String json = line(encoder, context, Map.of(ServiceLogContext.MDC_KEY, "segmentation"), "segment ready");

        JsonNode record = MessageCodec.mapper().readTree(json);
        assertThat(record.get("service").asString()).isEqualTo("segmentation");
        assertThat(record.get("message").asString()).isEqualTo("segment ready");
        assertThat(record.get("level").asString()).isEqualTo("INFO");
        assertThat(json.strip()).doesNotContain("\n");
        assertThat(LogFollower.serviceOf(json.strip())).isEqualTo("segmentation");
    }

    @Test
    void shouldPrintTheLastLinesOfOneServiceWithTheirStackTraces() throws Exception {
        Path log = temp.resolve("platform.log");
        Files.write(log, List.of(
                "2025-01-02 10:00:00.000 INFO  cdp          [main] o.o.l.PlatformLauncher - Starting",
                "2025-01-02 10:00:01.000 INFO  identity     [cdp-identity-consumer-1] o.o.i.Resolver - one",
                "2025-01-02 10:00:02.000 ERROR profile      [cdp-profile-consumer-1] o.o.p.Store - failed",
                "java.lang.IllegalStateException: boom",
                "\tat org.opencdp.profile.Store.apply(Store.java:1)",
                "2025-01-02 10:00:03.000 WARN  identity     [http-nio-8082-exec-1] o.o.i.Api - two",
                "{\"@timestamp\":\"2025-01-02T10:00:04Z\",\"level\":\"INFO\",\"message\":\"three\",\"service\":\"identity\"}",
                "{\"@timestamp\":\"2025-01-02T10:00:05Z\",\"level\":\"INFO\",\"message\":\"four\",\"service\":\"profile\"}"));

        assertThat(print(log, "identity", 2)).containsExactly(
                "2025-01-02 10:00:03.000 WARN  identity     [http-nio-8082-exec-1] o.o.i.Api - two",
                "{\"@timestamp\":\"2025-01-02T10:00:04Z\",\"level\":\"INFO\",\"message\":\"three\",\"service\":\"identity\"}");
        assertThat(print(log, "profile", 50)).containsExactly(
                "2025-01-02 10:00:02.000 ERROR profile      [cdp-profile-consumer-1] o.o.p.Store - failed",
                "java.lang.IllegalStateException: boom",
                "\tat org.opencdp.profile.Store.apply(Store.java:1)",
                "{\"@timestamp\":\"2025-01-02T10:00:05Z\",\"level\":\"INFO\",\"message\":\"four\",\"service\":\"profile\"}");
        assertThat(print(log, null, 50)).hasSize(8);
    }

    @Test
    void shouldFollowNewLinesOfTheServiceAndAFileRolledOver() throws Exception {
        Path log = temp.resolve("platform.log");
        Files.writeString(log, "2025-01-02 10:00:00.000 INFO  consent      [main] x - old\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        Thread follower = Thread.ofPlatform().start(() -> {
            try {
                new LogFollower(log, "consent", print).run(10, true);
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                print.println("FAILED " + e);
            }
        });
        try {
            await(out, "- old");
            Files.writeString(log, "2025-01-02 10:00:01.000 INFO  identity     [main] x - not mine\n"
                    + "2025-01-02 10:00:02.000 INFO  consent      [main] x - appended\n", java.nio.file.StandardOpenOption.APPEND);
            await(out, "- appended");
            Files.move(log, temp.resolve("platform.log.1"));
            Files.writeString(log, "2025-01-02 10:00:03.000 INFO  consent      [main] x - after roll-over\n");
            await(out, "- after roll-over");
        } finally {
            follower.interrupt();
            follower.join(10_000);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("not mine", "FAILED");
    }

    private static void await(ByteArrayOutputStream out, String text) {
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> out.toString(StandardCharsets.UTF_8).contains(text));
    }

    private static List<String> print(Path log, String service, int lines) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LogFollower(log, service, new PrintStream(out, true, StandardCharsets.UTF_8)).run(lines, false);
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static String line(Encoder<ILoggingEvent> encoder, LoggerContext context, Map<String, String> mdc,
                               String message) {
        LoggingEvent event = new LoggingEvent("x", context.getLogger("org.opencdp.Test"), Level.INFO, message, null,
                null);
        event.setMDCPropertyMap(mdc);
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }
}
