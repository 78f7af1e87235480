package org.opencdp.bench.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.opencdp.contracts.MessageCodec;

/**
 * Writes a run as {@code <stamp>.json} (everything, the timeline included), {@code <stamp>.md} (the
 * tables a reader wants) and the plots {@code <stamp>-throughput.png}, {@code -lag.png} and {@code -cpu.png}.
 */
final class ReportWriter {

    private final Path directory;

    ReportWriter(Path directory) {
        this.directory = directory;
    }

    /** Writes the files; returns the Markdown report's path. */
    Path write(String stamp, BenchResult result) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(stamp + ".json"), MessageCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result), StandardCharsets.UTF_8);
        Charts.throughput(result.timeline(), directory.resolve(stamp + "-throughput.png"));
        Charts.lag(result.timeline(), directory.resolve(stamp + "-lag.png"));
        Charts.cpu(result.timeline(), directory.resolve(stamp + "-cpu.png"));
        Path markdown = directory.resolve(stamp + ".md");
        Files.writeString(markdown, markdown(stamp, result), StandardCharsets.UTF_8);
        return markdown;
    }

    static String markdown(String stamp, BenchResult result) {
        StringBuilder md = new StringBuilder();
        BenchResult.Machine machine = result.machine();
        BenchResult.Settings settings = result.settings();
        md.append("# `./cdp bench`, ").append(result.startedAt()).append("\n\n");
        md.append(f("Platform: %s. Machine: %d cores (%s), %.1f GiB, %s, %s; load average %s at the start, %s at the "
                        + "end. Everything (platform, Kafka, PostgreSQL and this load generator) on the same machine.%n%n",
                result.platform(), machine.cores(), machine.cpu(), machine.memoryBytes() / (1024.0 * 1024 * 1024),
                machine.java(), machine.os(), machine.loadAtStart(), machine.loadAtEnd()));
        md.append(f("Steps of %.0f s (after a %.0f s warm-up), %d-event batches on `POST /v1/batch`, open loop; %s "
                        + "people sampled per second; seed %d. A step is bounded when no consumer group's lag keeps "
                        + "growing over its second half and every lag drains within %.0f s after it.%n%n",
                settings.stepSeconds(), settings.warmupSeconds(), settings.batchSize(),
                trim(settings.samplesPerSecond()), settings.seed(), settings.drainLimitSeconds()));
        md.append(result.highestBoundedRate() == null ? "**No rate kept every lag bounded.**\n\n"
                : f("**Highest rate with every consumer's lag bounded: %,.0f events/s.**%n%n", result.highestBoundedRate()));

        md.append("## Targets (issue 9)\n\n| target | goal | measured | met | why not |\n|---|---|---|---|---|\n");
        for (BenchResult.Target target : result.targets()) {
            md.append("| ").append(target.name()).append(" | ").append(target.goal()).append(" | ")
                    .append(target.measured()).append(" | ")
                    .append(target.met() == null ? "not measured" : target.met() ? "**met**" : "**not met**")
                    .append(" | ").append(cell(target.why())).append(" |\n");
        }

        md.append("\n## Steps\n\n| step | accepted events/s | failed | request p50 / p99 ms | send lateness p99 ms "
                + "| lag bounded | CPU cores JVM / PostgreSQL / bench / other / machine | CPU s per 1,000 events JVM / PostgreSQL "
                + "| peak RSS |\n|---|---|---|---|---|---|---|---|---|\n");
        for (BenchResult.Step step : result.steps()) {
            BenchResult.Cpu cpu = step.cpu();
            md.append(f("| %s | %,.0f | %,d | %.1f / %.1f | %.1f | %s | %.2f / %.2f / %.2f / %.2f / %.2f | %.3f / %.3f | %.2f GB |%n",
                    step.name(), step.acceptedPerSecond(), step.failedEvents(), step.requestLatency().p50(),
                    step.requestLatency().p99(), step.sendLateness().p99(), step.bounded() ? "yes" : "**no**",
                    cpu.jvmCores(), cpu.postgresCores(), cpu.benchCores(), cpu.otherCores(), cpu.machineCores(),
                    cpu.jvmSecondsPer1000(), cpu.postgresSecondsPer1000(), step.peakRssBytes() / 1e9));
        }

        md.append("\n## Platform JVM CPU by thread group (cores)\n\nFrom the threads' names: the JIT compilers (C1, C2), "
                + "the garbage collector, the in-JVM Kafka broker and the Tracking API's request threads; the rest is the "
                + "services' consumers, relays and other APIs (their thread names do not tell the services apart).\n\n"
                + "| step | JVM | JIT | GC | broker | Tracking API requests | the rest |\n|---|---|---|---|---|---|---|\n");
        for (BenchResult.Step step : result.steps()) {
            Map<String, Double> threads = step.cpu().jvmThreadCores();
            double named = threads.values().stream().mapToDouble(Double::doubleValue).sum();
            md.append(f("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n", step.name(), step.cpu().jvmCores(),
                    threads.getOrDefault("jit", 0.0), threads.getOrDefault("gc", 0.0), threads.getOrDefault("broker", 0.0),
                    threads.getOrDefault("ingestion-http", 0.0), Math.max(0, step.cpu().jvmCores() - named)));
        }

        md.append("\n## Consumer groups per step\n\nConsumed: committed offsets per second (all the group's topics). "
                + "Slope: the lag's growth over the step's second half.\n\n"
                + "| step | group | consumed msgs/s | max lag | lag at end | slope /s | drained after | bounded |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (BenchResult.Step step : result.steps()) {
            for (BenchResult.Group group : step.groups()) {
                md.append(f("| %s | %s | %,.0f | %,d | %,d | %,.0f | %s | %s |%n", step.name(),
                        Timeline.shortName(group.group()), group.consumedPerSecond(), group.maxLag(), group.endLag(),
                        group.lagSlopePerSecond(), group.drainSeconds() == null ? "not drained" : f("%.0f s", group.drainSeconds()),
                        group.bounded() ? "yes" : "**no**: " + cell(group.reason())));
            }
        }

        md.append("\n## Latency of sampled people (ms)\n\nA sample is an identify that puts a person who granted "
                + "`marketing` consent on plan `pro`. Event → profile: until `GET /v1/profiles/lookup?type=user_id` "
                + "shows `plan = pro` (polled every twentieth of the time waited). Event → membership: until the "
                + "`entered` record on `cdp.segmentation.memberships.v1` (its timestamp). Membership → webhook: from "
                + "that record to the delivery's arrival at the sink.\n\n"
                + "| step | samples | event → profile p50 / p95 / p99 | event → membership p50 / p95 / p99 "
                + "| membership → webhook p50 / p95 / p99 | not seen: profile / membership / webhook |\n"
                + "|---|---|---|---|---|---|\n");
        for (BenchResult.Step step : result.steps()) {
            BenchResult.Latencies latencies = step.latencies();
            if (latencies == null) {
                continue;
            }
            md.append(f("| %s | %d | %s | %s | %s | %d / %d / %d |%n", step.name(), latencies.samples(),
                    triple(latencies.eventToProfile()), triple(latencies.eventToMembership()),
                    triple(latencies.membershipToWebhook()), latencies.profileNotSeen(), latencies.membershipNotSeen(),
                    latencies.webhookNotSeen()));
        }

        BenchResult.Single single = result.single();
        md.append("\n## Single-event requests\n\n");
        if (single == null) {
            md.append("Not measured (`--single-duration 0`).\n");
        } else {
            md.append(f("%d clients, one event per request (`/v1/page`, `/v1/identify`, `/v1/track`), closed loop for "
                            + "%.0f s: **%,.0f events/s accepted**, latency p50 %.1f ms, p95 %.1f ms, **p99 %.1f ms** "
                            + "(max %.1f); %,d failed%s. CPU: JVM %.2f cores, PostgreSQL %.2f, bench %.2f, machine %.2f.%n",
                    single.clients(), single.seconds(), single.acceptedPerSecond(), single.latency().p50(),
                    single.latency().p95(), single.latency().p99(), single.latency().max(), single.failedEvents(),
                    single.failures().isEmpty() ? "" : " " + single.failures(), single.cpu().jvmCores(),
                    single.cpu().postgresCores(), single.cpu().benchCores(), single.cpu().machineCores()));
        }

        BenchResult.Deliveries deliveries = result.deliveries();
        md.append(f("%nOver the run: %,d webhook deliveries (%,d segment entries); %,d entries and %,d exits on the "
                        + "memberships topic. Peak RSS of the platform JVM: %.2f GB.%n", deliveries.webhookDeliveries(),
                deliveries.webhookEntered(), deliveries.membershipsEntered(), deliveries.membershipsExited(),
                result.peakRssBytes() / 1e9));
        md.append("\n## Plots\n\n");
        md.append("![throughput](").append(stamp).append("-throughput.png)\n\n");
        md.append("![consumer lag](").append(stamp).append("-lag.png)\n\n");
        md.append("![cpu](").append(stamp).append("-cpu.png)\n\n");
        md.append("Every second of the run is in `").append(stamp).append(".json` (`timeline`).\n");
        return md.toString();
    }

    private static String triple(BenchResult.Percentiles p) {
        return p.count() == 0 ? "–" : f("%,.0f / %,.0f / %,.0f", p.p50(), p.p95(), p.p99());
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
