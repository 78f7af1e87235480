package org.opencdp.bench.platform;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Samples the run once a second (consumer lag, accepted events, CPU and memory) into {@link
 * BenchResult.Tick}s, and prints one line per second: the phase, its rate, events accepted, each
 * group's lag and the CPU in use.
 */
final class Timeline implements AutoCloseable {

    private final LagMonitor lags;
    private final ProcessStats stats;
    private final LongSupplier accepted;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private final List<BenchResult.Tick> ticks = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("bench-timeline").daemon().factory());
    private volatile String phase = "setup";
    private volatile double offered;
    private Map<String, LagMonitor.GroupOffsets> previousOffsets = Map.of();
    private ProcessStats.Snapshot previousStats;
    private long previousAccepted;
    private long previousAt;
    private String lastError = "";

    Timeline(LagMonitor lags, ProcessStats stats, LongSupplier accepted, PrintStream out) {
        this.lags = lags;
        this.stats = stats;
        this.accepted = accepted;
        this.out = out;
        this.previousStats = stats.snapshot();
        this.previousAt = System.nanoTime();
        scheduler.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** Seconds since the timeline started. */
    double now() {
        return (System.nanoTime() - start) / 1e9;
    }

    void phase(String name, double rate) {
        this.phase = name;
        this.offered = rate;
    }

    synchronized List<BenchResult.Tick> ticks() {
        return List.copyOf(ticks);
    }

    /** Ticks with {@code from <= second <= to}. */
    synchronized List<BenchResult.Tick> between(double from, double to) {
        return ticks.stream().filter(tick -> tick.second() >= from && tick.second() <= to).toList();
    }

    /** The latest tick, or null before the first. */
    synchronized BenchResult.Tick latest() {
        return ticks.isEmpty() ? null : ticks.getLast();
    }

    private void tick() {
        try {
            Map<String, LagMonitor.GroupOffsets> offsets = lags.sample();
            ProcessStats.Snapshot snapshot = stats.snapshot();
            long now = System.nanoTime();
            long acceptedNow = accepted.getAsLong();
            double seconds = (now - previousAt) / 1e9;
            Map<String, Long> lag = new LinkedHashMap<>();
            Map<String, Double> consumed = new LinkedHashMap<>();
            offsets.forEach((group, current) -> {
                lag.put(group, current.lag());
                LagMonitor.GroupOffsets before = previousOffsets.get(group);
                consumed.put(group, before == null ? 0 : Math.max(0, current.committed() - before.committed()) / seconds);
            });
            double cpuSeconds = (snapshot.nanoTime() - previousStats.nanoTime()) / 1e9;
            var tick = new BenchResult.Tick(round(now()), phase, offered, (acceptedNow - previousAccepted) / seconds, lag,
                    consumed, (snapshot.jvmCpuSeconds() - previousStats.jvmCpuSeconds()) / cpuSeconds,
                    (snapshot.postgresCpuSeconds() - previousStats.postgresCpuSeconds()) / cpuSeconds,
                    (snapshot.machineBusySeconds() - previousStats.machineBusySeconds()) / cpuSeconds,
                    snapshot.jvmRssBytes(),
                    (snapshot.benchCpuSeconds() - previousStats.benchCpuSeconds()) / cpuSeconds,
                    StepRunner.cpu(previousStats, snapshot, 0).jvmThreadCores());
            synchronized (this) {
                ticks.add(tick);
            }
            previousOffsets = offsets;
            previousStats = snapshot;
            previousAccepted = acceptedNow;
            previousAt = now;
            out.println(line(tick));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            String message = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!message.equals(lastError)) {
                out.println("  (could not sample consumer lag: " + message + ")");
                lastError = message;
            }
        }
    }

    static String line(BenchResult.Tick tick) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%5.0fs %-14s %6.0f/s  accepted %6.0f/s  lag",
                tick.second(), tick.phase(), tick.offeredRate(), tick.acceptedPerSecond()));
        tick.lag().forEach((group, lag) -> line.append(' ').append(shortName(group)).append(' ')
                .append(String.format(Locale.ROOT, "%,d", lag)));
        line.append(String.format(Locale.ROOT, "  cpu jvm %.1f (jit %.1f) pg %.1f bench %.1f machine %.1f  rss %.1f GB",
                tick.jvmCores(), tick.jvmThreadCores().getOrDefault("jit", 0.0), tick.postgresCores(), tick.benchCores(),
                tick.machineCores(), tick.jvmRssBytes() / 1e9));
        return line.toString();
    }

    /** {@code cdp-profile} → {@code profile}. */
    static String shortName(String group) {
        return group.startsWith("cdp-") ? group.substring(4) : group;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
