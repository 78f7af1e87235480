package org.opencdp.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 17: ./cdp status reads each service's health and the kit's gauges. */
class PlatformStatusTest {

    private static final String SCRAPE = """
            # HELP cdp_consumer_lag Records on the topic not yet consumed by the service
            # TYPE cdp_consumer_lag gauge
            cdp_consumer_lag{service="identity",topic="cdp.ingestion.events.v1"} 12.0
            cdp_consumer_lag{service="identity",topic="cdp.privacy.commands.v1"} 0.0
            cdp_consumer_lag{service="profile",topic="cdp.identity.resolved-events.v1"} 99.0
            # TYPE cdp_outbox_backlog gauge
            cdp_outbox_backlog{service="identity"} 3.0
            cdp_outbox_oldest_age_seconds{service="identity"} 2.25
            cdp_outbox_parked_rows{service="identity"} 1.0
            cdp_consumer_errors_total{kind="content",service="identity",topic="a \\"quoted\\", topic"} 4.0
            jvm_threads_live_threads 42.0
            """;

    @Test
    void shouldReadSamplesWithLabelsEscapesAndWithout() {
        List<PrometheusText.Sample> samples = PrometheusText.parse(SCRAPE);

        assertThat(samples).hasSize(8);
        assertThat(samples.getFirst()).isEqualTo(new PrometheusText.Sample("cdp_consumer_lag",
                Map.of("service", "identity", "topic", "cdp.ingestion.events.v1"), 12.0));
        assertThat(samples.get(6).labels()).containsEntry("topic", "a \"quoted\", topic").containsEntry("kind", "content");
        assertThat(samples.getLast()).isEqualTo(new PrometheusText.Sample("jvm_threads_live_threads", Map.of(), 42.0));
    }

    @Test
    void shouldSumLagPerTopicOfTheServiceOnlyAndShowItsOutbox() {
        var status = PlatformStatus.fromMetrics(PlatformService.IDENTITY, "UP", PrometheusText.parse(SCRAPE));

        assertThat(status.lagByTopic()).containsExactly(Map.entry("cdp.ingestion.events.v1", 12L),
                Map.entry("cdp.privacy.commands.v1", 0L));
        assertThat(status.lag()).isEqualTo(12);
        assertThat(status.outboxBacklog()).isEqualTo(3);
        assertThat(status.oldestOutboxAgeSeconds()).isEqualTo(2.25);

        String text = PlatformStatus.render(List.of(status, new PlatformStatus.ServiceStatus(PlatformService.PROFILE,
                "DOWN", Map.of(), null, null, null, "not reachable at http://localhost:8083 (ConnectException)")));
        assertThat(text.lines().toList()).containsExactly(
                "SERVICE                HEALTH    CONSUMER LAG   OUTBOX",
                "identity-service       UP                  12   3 unpublished, oldest 2.3 s, 1 parked",
                "  cdp.ingestion.events.v1                           12",
                "  cdp.privacy.commands.v1                            0",
                "profile-service        DOWN                 -   not reachable at http://localhost:8083 (ConnectException)");
    }

    @Test
    void shouldParseStatusPortsAndRefuseOtherOptions() {
        Command.Status status = (Command.Status) CommandLine.parse("status", "--identity-port", "9082");
        assertThat(status.ports()).containsEntry(PlatformService.IDENTITY, 9082)
                .containsEntry(PlatformService.INGESTION, 8081);
        assertThatThrownBy(() -> CommandLine.parse("status", "--fresh")).isInstanceOf(LauncherException.class)
                .hasMessageContaining("Unknown option --fresh for status");
    }

    @Test
    void shouldReportEveryServiceDownAndExitNonZeroWhenNothingRuns() throws IOException {
        String[] args = {"status", "--ingestion-port", free(), "--identity-port", free(), "--profile-port", free(),
                "--segmentation-port", free(), "--activation-port", free(), "--consent-port", free()};
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int exit = CdpLocal.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()), args);

        assertThat(exit).isEqualTo(LauncherException.FAILURE);
        assertThat(out.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains(" DOWN ")))
                .hasSize(PlatformService.values().length);
    }

    private static String free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return Integer.toString(socket.getLocalPort());
        }
    }
}
