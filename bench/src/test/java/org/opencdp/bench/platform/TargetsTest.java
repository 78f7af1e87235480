package org.opencdp.bench.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetsTest {

    @Test
    void shouldJudgeEveryTargetMetWhenTheRunBeatsThem() {
        BenchResult.Step step = step(1_000, 640, 800);
        List<BenchResult.Target> targets = Targets.evaluate(List.of(step, step(4_000, 700, 900)), 4_000.0,
                single(3_500, 80));

        assertThat(targets).extracting(BenchResult.Target::met).containsOnly(true);
        assertThat(targets).extracting(BenchResult.Target::why).containsOnly("");
    }

    @Test
    void shouldSayWhyWhenLatencyAndSingleEventTargetsAreMissed() {
        List<BenchResult.Target> targets = Targets.evaluate(List.of(step(1_000, 1_500, 2_500)), 1_000.0,
                single(2_000, 150));

        assertThat(targets).extracting(BenchResult.Target::met).containsExactly(false, false, false, false, false);
        assertThat(targets.get(0).why()).contains("no step reached 3,000 events/s");
        assertThat(targets.get(1).measured()).startsWith("p99 1,500 ms");
        assertThat(targets.get(1).why()).contains("profile max 100");
        assertThat(targets.get(4).why()).contains("32.0 ms on average");
    }

    @Test
    void shouldReportNotMeasuredWhenNoStepRanAtOneThousandEventsPerSecond() {
        List<BenchResult.Target> targets = Targets.evaluate(List.of(step(500, 100, 100)), 500.0, null);

        assertThat(targets.get(1).met()).isNull();
        assertThat(targets.get(1).why()).isEqualTo("no step at 1,000 events/s");
        assertThat(targets.get(3).measured()).isEqualTo("not measured");
    }

    private static BenchResult.Step step(double rate, double membershipP99, double webhookP99) {
        var cpu = new BenchResult.Cpu(1, 0.5, 1.8, 0.5, 0.25, 0.9, 0.2, Map.of("jit", 0.2));
        var latencies = new BenchResult.Latencies(20, new BenchResult.Percentiles(20, 100, 200, 300, 300),
                new BenchResult.Percentiles(20, 100, 200, membershipP99, membershipP99),
                new BenchResult.Percentiles(20, 100, 200, webhookP99, webhookP99), 0, 0, 0);
        var percentiles = new BenchResult.Percentiles(10, 1, 2, 3, 4);
        return new BenchResult.Step(rate + "", rate, 30, 1, 1, 0, Map.of(), rate, percentiles, percentiles,
                List.of(new BenchResult.Group("cdp-profile", rate, 100, 0, 0, 0.0, true, "")), true, "bounded",
                latencies, cpu, 1, 0, 30);
    }

    private static BenchResult.Single single(double rate, double p99) {
        var cpu = new BenchResult.Cpu(1, 0.5, 1.8, 0.5, 0.25, 0.9, 0.2, Map.of("jit", 0.2));
        return new BenchResult.Single(64, 30, (long) rate * 30, 0, Map.of(), rate,
                new BenchResult.Percentiles(1_000, 10, 50, p99, p99), cpu);
    }
}
