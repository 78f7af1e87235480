package org.opencdp.bench.platform;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Holds one open-loop rate for a step, then watches the lag drain, and judges the step ({@link
 * LagVerdict}) from the timeline's samples: during the step, and after it until every group drained
 * (or {@code --max-drain} passed).
 */
final class StepRunner {

    private final PlatformOptions options;
    private final OpenLoopSender sender;
    private final Timeline timeline;
    private final ProcessStats stats;
    private final PrintStream out;
    private final LagVerdict.Settings verdictSettings;

    StepRunner(PlatformOptions options, OpenLoopSender sender, Timeline timeline, ProcessStats stats, PrintStream out) {
        this.options = options;
        this.sender = sender;
        this.timeline = timeline;
        this.stats = stats;
        this.out = out;
        this.verdictSettings = LagVerdict.Settings.defaults(options.drainLimit());
    }

    BenchResult.Step run(String name, double rate, Duration duration) throws InterruptedException {
        awaitDrained("settle", options.maxDrain());
        out.printf(Locale.ROOT, "Step %s: %.0f events/s for %d s%n", name, rate, duration.toSeconds());
        timeline.phase(name, rate);
        ProcessStats.Snapshot before = stats.snapshot();
        double start = timeline.now();
        OpenLoopSender.StepLoad load = sender.run(rate, duration, name);
        double end = start + load.seconds();
        ProcessStats.Snapshot after = stats.snapshot();
        timeline.phase(name + " drain", 0);
        awaitDrained(name + " drain", options.maxDrain());
        double watchedUntil = timeline.now();

        List<BenchResult.Tick> during = timeline.between(start, end);
        List<BenchResult.Tick> drain = timeline.between(end, watchedUntil);
        Map<String, List<LagVerdict.LagPoint>> duringLag = lagPoints(during, start);
        Map<String, List<LagVerdict.LagPoint>> afterLag = lagPoints(drain, end);
        LagVerdict.Verdict verdict = LagVerdict.judge(rate, duringLag, afterLag, verdictSettings);
        List<BenchResult.Group> groups = new ArrayList<>();
        for (LagVerdict.GroupVerdict group : verdict.groups()) {
            double consumed = during.stream().mapToDouble(tick -> tick.consumedPerSecond().getOrDefault(group.group(), 0.0))
                    .average().orElse(0);
            groups.add(new BenchResult.Group(group.group(), consumed, group.maxLag(), group.endLag(),
                    group.slopePerSecond(), group.drainSeconds(), group.bounded(), group.reason()));
        }
        long peakRss = during.stream().mapToLong(BenchResult.Tick::jvmRssBytes).max().orElse(0);
        var step = new BenchResult.Step(name, rate, load.seconds(), load.sentEvents(), load.acceptedEvents(),
                load.failedEvents(), load.failures(), load.acceptedEvents() / load.seconds(),
                BenchResult.Percentiles.ofMicros(load.latencyMicros()), BenchResult.Percentiles.ofMicros(load.latenessMicros()),
                groups, verdict.bounded(), verdict.bounded() ? "bounded" : verdict.reason(), null,
                cpu(before, after, load.acceptedEvents()), peakRss, start, end);
        out.printf(Locale.ROOT, "Step %s: %,.0f events/s accepted (%d failed), request p99 %.1f ms, send lateness p99 %.1f ms: %s%n",
                name, step.acceptedPerSecond(), step.failedEvents(), step.requestLatency().p99(),
                step.sendLateness().p99(), verdict.bounded() ? "every lag bounded" : "NOT bounded: " + verdict.reason());
        return step;
    }

    /** Waits until every group's lag is at most the settled lag, or {@code patience} passed. */
    void awaitDrained(String phase, Duration patience) throws InterruptedException {
        timeline.phase(phase, 0);
        long deadline = System.nanoTime() + patience.toNanos();
        double from = timeline.now();
        while (System.nanoTime() < deadline) {
            BenchResult.Tick latest = timeline.latest();
            if (latest != null && latest.second() > from
                    && latest.lag().values().stream().allMatch(lag -> lag <= verdictSettings.settledLag())) {
                return;
            }
            Thread.sleep(250); // the timeline samples on its own thread
        }
        out.printf("  lag not drained after %d s; going on%n", patience.toSeconds());
    }

    static BenchResult.Cpu cpu(ProcessStats.Snapshot before, ProcessStats.Snapshot after, long events) {
        double seconds = Math.max(1e-9, (after.nanoTime() - before.nanoTime()) / 1e9);
        double jvm = after.jvmCpuSeconds() - before.jvmCpuSeconds();
        double postgres = after.postgresCpuSeconds() - before.postgresCpuSeconds();
        double machine = after.machineBusySeconds() - before.machineBusySeconds();
        double perThousand = events == 0 ? 0 : 1000.0 / events;
        double bench = after.benchCpuSeconds() - before.benchCpuSeconds();
        Map<String, Double> threads = new LinkedHashMap<>();
        after.jvmThreadSeconds().forEach((group, total) -> threads.put(group,
                Math.max(0, total - before.jvmThreadSeconds().getOrDefault(group, 0.0)) / seconds));
        return new BenchResult.Cpu(jvm / seconds, postgres / seconds, machine / seconds, jvm * perThousand,
                postgres * perThousand, machine * perThousand, bench / seconds, threads);
    }

    private static Map<String, List<LagVerdict.LagPoint>> lagPoints(List<BenchResult.Tick> ticks, double origin) {
        Map<String, List<LagVerdict.LagPoint>> points = new LinkedHashMap<>();
        for (BenchResult.Tick tick : ticks) {
            tick.lag().forEach((group, lag) -> points.computeIfAbsent(group, g -> new ArrayList<>())
                    .add(new LagVerdict.LagPoint(tick.second() - origin, lag)));
        }
        return points;
    }
}
