package org.opencdp.bench.platform;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./cdp bench}: the whole platform as a user runs it ({@link PlatformOptions#USAGE}). Starts
 * (or attaches to) the platform, sets up a source, a {@code plan = pro} segment and a webhook
 * destination on a local sink, warms up, then holds each open-loop rate for a step, judging after
 * each whether every consumer group's lag stayed bounded ({@link LagVerdict}); the first unbounded
 * rate ends the stepping (after {@code --refine} midpoints). Then it measures single-event requests
 * and writes the report ({@link ReportWriter}).
 */
public final class PlatformBenchmark {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final PlatformOptions options;
    private final PrintStream out;

    PlatformBenchmark(PlatformOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        // the Kafka clients log every assignment at INFO: the console is for the bench's own lines
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        PlatformOptions options;
        try {
            options = PlatformOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("cdp bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(PlatformOptions.USAGE);
            return;
        }
        Path report = new PlatformBenchmark(options, System.out).run();
        System.out.println("Report: " + report);
    }

    /** Runs the benchmark; returns the Markdown report's path. */
    Path run() throws Exception {
        Instant started = Instant.now();
        String loadAtStart = loadAverage();
        out.println("Load average at start: " + loadAtStart + " (another build on this machine lowers every figure)");
        String runId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        try (PlatformProcess platform = options.url() == null ? PlatformProcess.start(options)
                : PlatformProcess.attach(options);
             WebhookSink sink = WebhookSink.start()) {
            out.println("Platform: " + platform.description());
            WorkspaceSetup.Workspace workspace = new WorkspaceSetup(platform).create(runId, sink.url(),
                    options.writeKey());
            out.printf("Workspace %s: source %s, segment %s (plan = pro), webhook destination %s -> %s%n",
                    platform.workspace(), workspace.sourceId(), workspace.segmentId(), workspace.destinationId(),
                    sink.url());
            ProcessStats stats = new ProcessStats(platform.jvmPid(), platform.postgresPid(),
                    ProcessStats.threadGroups(platform.url("ingestion").getPort()));
            AtomicLong singleAccepted = new AtomicLong();
            try (LagMonitor lags = new LagMonitor(platform.kafka());
                 MembershipWatcher memberships = new MembershipWatcher(platform.kafka(), workspace.segmentId());
                 LatencyProbe probe = new LatencyProbe(platform.url("profile"), platform.token(),
                         options.samplesPerSecond(), Duration.ofMinutes(5))) {
                TrafficGenerator traffic = new TrafficGenerator(options.seed(), runId, TrafficMix.shop());
                OpenLoopSender sender = new OpenLoopSender(platform.url("ingestion"), workspace.writeKey(), traffic, probe,
                        options.batchSize());
                try (Timeline timeline = new Timeline(lags, stats, () -> sender.accepted() + singleAccepted.get(), out)) {
                    StepRunner steps = new StepRunner(options, sender, timeline, stats, out);
                    if (!options.warmup().isZero()) {
                        steps.run("warm-up", options.rates().getFirst(), options.warmup());
                    }
                    List<BenchResult.Step> measured = new ArrayList<>();
                    Double highest = stepUp(steps, measured);
                    BenchResult.Single single = single(platform, workspace, runId, steps, timeline, stats, singleAccepted);
                    timeline.phase("finishing", 0);
                    awaitSamples(probe, memberships, sink);
                    List<BenchResult.Step> withLatencies = measured.stream()
                            .map(step -> Samples.withLatencies(step, probe.samples(), memberships, sink)).toList();
                    BenchResult result = new BenchResult(started.toString(), platform.description(),
                            machine(loadAtStart, loadAverage()),
                            settings(), withLatencies, highest, single,
                            Targets.evaluate(withLatencies, highest, single), stats.jvmPeakRssBytes(),
                            new BenchResult.Deliveries(sink.deliveries(), sink.entered(), memberships.entered(),
                                    memberships.exited()), timeline.ticks());
                    Path results = options.results();
                    Files.createDirectories(results);
                    return new ReportWriter(results).write(STAMP.format(started), result);
                }
            }
        }
    }

    /** Steps through the rates until one is unbounded, then refines; the highest bounded rate, or null. */
    private Double stepUp(StepRunner steps, List<BenchResult.Step> measured) throws Exception {
        Double bounded = null;
        Double unbounded = null;
        for (double rate : options.rates()) {
            BenchResult.Step step = steps.run(String.format(Locale.ROOT, "%.0f/s", rate), rate, options.stepDuration());
            measured.add(step);
            if (step.bounded()) {
                bounded = rate;
            } else {
                unbounded = rate;
                break;
            }
        }
        for (int i = 0; i < options.refine() && bounded != null && unbounded != null; i++) {
            double middle = Math.round((bounded + unbounded) / 2 / 100) * 100.0;
            if (middle <= bounded || middle >= unbounded) {
                break;
            }
            BenchResult.Step step = steps.run(String.format(Locale.ROOT, "%.0f/s", middle), middle, options.stepDuration());
            measured.add(step);
            if (step.bounded()) {
                bounded = middle;
            } else {
                unbounded = middle;
            }
        }
        out.println(bounded == null ? "No rate kept every consumer's lag bounded."
                : String.format(Locale.ROOT, "Highest rate with bounded lag: %.0f events/s", bounded));
        return bounded;
    }

    private BenchResult.Single single(PlatformProcess platform, WorkspaceSetup.Workspace workspace, String runId,
                                      StepRunner steps, Timeline timeline, ProcessStats stats, AtomicLong accepted)
            throws InterruptedException {
        if (options.singleDuration().isZero()) {
            return null;
        }
        steps.awaitDrained("drain", options.maxDrain());
        out.printf("Single-event requests: %d clients for %d s%n", options.singleClients(),
                options.singleDuration().toSeconds());
        timeline.phase("single", 0);
        ProcessStats.Snapshot before = stats.snapshot();
        var traffic = new TrafficGenerator(options.seed() + 1, runId + "s", TrafficMix.shop());
        SingleEventProbe.Result result = SingleEventProbe.run(platform.url("ingestion"), workspace.writeKey(), traffic,
                options.singleClients(), options.singleDuration(), accepted);
        BenchResult.Cpu cpu = StepRunner.cpu(before, stats.snapshot(), result.accepted());
        timeline.phase("after", 0);
        BenchResult.Percentiles latency = BenchResult.Percentiles.ofMicros(result.latencyMicros());
        out.printf(Locale.ROOT, "  %,.0f events/s accepted, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, %d failed%n",
                result.acceptedPerSecond(), latency.p50(), latency.p95(), latency.p99(), result.failed());
        return new BenchResult.Single(result.clients(), result.seconds(), result.accepted(), result.failed(),
                result.failures(), result.acceptedPerSecond(), latency, cpu);
    }

    /**
     * Waits until every sample's profile was seen and its membership and webhook delivery arrived, or
     * nothing more arrived for 15 s (a person may have revoked consent before the delivery), at most 2 min.
     */
    private void awaitSamples(LatencyProbe probe, MembershipWatcher memberships, WebhookSink sink)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        long complete = -1;
        long changedAt = System.nanoTime();
        while (System.nanoTime() < deadline) {
            List<LatencyProbe.Sample> seen = probe.samples().stream().filter(sample -> sample.profileId != null).toList();
            long now = seen.stream().filter(sample -> memberships.enteredAt(sample.profileId) != null
                    && sink.enteredAt(sample.profileId) != null).count();
            if (now != complete) {
                complete = now;
                changedAt = System.nanoTime();
            }
            if (probe.pending() == 0 && (complete == seen.size()
                    || System.nanoTime() - changedAt > Duration.ofSeconds(15).toNanos())) {
                return;
            }
            Thread.sleep(500); // the samples complete on other threads; nothing to wait on
        }
        out.println("Some samples did not complete within 2 min; they count as not seen.");
    }

    private BenchResult.Settings settings() {
        return new BenchResult.Settings(options.rates(), options.stepDuration().toMillis() / 1000.0,
                options.warmup().toMillis() / 1000.0, options.refine(), options.drainLimit().toMillis() / 1000.0,
                options.batchSize(), options.singleClients(), options.singleDuration().toMillis() / 1000.0,
                options.samplesPerSecond(), options.seed());
    }

    /** The 1, 5 and 15 minute load averages ({@code /proc/loadavg}). */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static BenchResult.Machine machine(String loadAtStart, String loadAtEnd) {
        String cpu = "unknown";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        } catch (IOException e) {
            // not Linux
        }
        long memory = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        return new BenchResult.Machine(Runtime.getRuntime().availableProcessors(), cpu, memory,
                System.getProperty("java.vendor") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), loadAtStart, loadAtEnd);
    }
}
