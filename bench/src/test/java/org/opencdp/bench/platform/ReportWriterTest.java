package org.opencdp.bench.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;

class ReportWriterTest {

    @TempDir
    Path directory;

    @Test
    void shouldWriteJsonMarkdownAndPlotsWhenARunIsReported() throws Exception {
        BenchResult result = Fixtures.result();

        Path markdown = new ReportWriter(directory).write("20261201-100000", result);

        assertThat(markdown).isEqualTo(directory.resolve("20261201-100000.md"));
        for (String plot : List.of("throughput", "lag", "cpu")) {
            byte[] png = Files.readAllBytes(directory.resolve("20261201-100000-" + plot + ".png"));
            assertThat(png).hasSizeGreaterThan(1_000);
            assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
        }
        JsonNode json = MessageCodec.mapper().readTree(directory.resolve("20261201-100000.json").toFile());
        assertThat(json.path("highestBoundedRate").asDouble()).isEqualTo(1_000);
        assertThat(json.path("steps").get(1).path("groups").get(0).path("reason").asString()).contains("grew");
        assertThat(json.path("timeline").size()).isEqualTo(60);
        assertThat(json.path("single").path("latency").path("p99").asDouble()).isEqualTo(80.0);
    }

    @Test
    void shouldTellWhichTargetsAreMetAndWhyNotInTheMarkdown() {
        String markdown = ReportWriter.markdown("20261201-100000", Fixtures.result());

        assertThat(markdown)
                .contains("**Highest rate with every consumer's lag bounded: 1,000 events/s.**")
                .contains("| sustained end to end, every lag bounded | ≥ 3,000 events/s | 1,000 events/s bounded | **not met** | at 2,000 events/s: profile consumed 1,500 msgs/s while its lag grew 500/s")
                .contains("| event → membership p99 at 1,000 events/s | < 1 s | p99 640 ms")
                .contains("| 1000/s | 1,000 | 0 | 4.0 / 12.0 | 1.0 | yes | 1.10 / 0.50 / 0.20 / 0.10 / 1.90 | 0.550 / 0.250 |")
                .contains("| 2000/s | profile | 1,500 | 15,000 | 15,000 | 500 | not drained | **no**: lag grew")
                .contains("| 1000/s | 1.10 | 0.30 | 0.05 | 0.25 | 0.10 | 0.40 |")
                .contains("**3,500 events/s accepted**")
                .contains("load average 0.5 0.4 0.3 at the start, 3.1 1.2 0.6 at the end")
                .contains("![consumer lag](20261201-100000-lag.png)");
    }

    /** A small, made-up run: bounded at 1,000 events/s, profile falling behind at 2,000. */
    static final class Fixtures {

        static BenchResult result() {
            BenchResult.Cpu cpu = new BenchResult.Cpu(1.1, 0.5, 1.9, 0.55, 0.25, 0.95, 0.2,
                    Map.of("jit", 0.3, "gc", 0.05, "broker", 0.25, "ingestion-http", 0.1));
            BenchResult.Percentiles request = new BenchResult.Percentiles(300, 4, 8, 12, 20);
            BenchResult.Percentiles lateness = new BenchResult.Percentiles(300, 0.2, 0.5, 1, 3);
            var latencies = new BenchResult.Latencies(40, new BenchResult.Percentiles(40, 120, 300, 420, 500),
                    new BenchResult.Percentiles(40, 300, 520, 640, 700), new BenchResult.Percentiles(40, 150, 400, 800, 900),
                    0, 0, 0);
            var bounded = new BenchResult.Step("1000/s", 1_000, 30, 30_000, 30_000, 0, Map.of(), 1_000, request, lateness,
                    List.of(new BenchResult.Group("cdp-profile", 1_000, 900, 0, 1, 0.0, true, "")), true, "bounded",
                    latencies, cpu, 2_000_000_000L, 10, 40);
            var unbounded = new BenchResult.Step("2000/s", 2_000, 30, 60_000, 60_000, 0, Map.of(), 2_000, request, lateness,
                    List.of(new BenchResult.Group("cdp-profile", 1_500, 15_000, 15_000, 500, null, false,
                            "lag grew by 500 records/s over the second half of the step (tolerance 100/s) to 15,000")),
                    false, "cdp-profile: lag grew", latencies, cpu, 2_100_000_000L, 45, 75);
            var single = new BenchResult.Single(64, 30, 105_000, 0, Map.of(), 3_500,
                    new BenchResult.Percentiles(105_000, 15, 40, 80, 150), cpu);
            List<BenchResult.Step> steps = List.of(bounded, unbounded);
            List<BenchResult.Tick> timeline = new ArrayList<>();
            for (int second = 1; second <= 60; second++) {
                Map<String, Long> lag = new LinkedHashMap<>(Map.of("cdp-profile", second * 100L));
                timeline.add(new BenchResult.Tick(second, second < 30 ? "1000/s" : "2000/s", 1_000, 990, lag,
                        Map.of("cdp-profile", 950.0), 1.1, 0.5, 1.9, 2_000_000_000L, 0.2, Map.of("jit", 0.3)));
            }
            return new BenchResult("2026-12-01T10:00:00Z", "test platform",
                    new BenchResult.Machine(2, "test CPU", 24L << 30, "Test 25", "Linux", "0.5 0.4 0.3", "3.1 1.2 0.6"),
                    new BenchResult.Settings(List.of(1_000.0, 2_000.0), 30, 20, 1, 10, 100, 64, 30, 5, 42),
                    steps, 1_000.0, single, Targets.evaluate(steps, 1_000.0, single), 2_200_000_000L,
                    new BenchResult.Deliveries(500, 480, 490, 3), timeline);
        }

        private Fixtures() {
        }
    }
}
