package org.opencdp.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the benchmarks ({@link #USAGE}): {@code java -jar bench/target/bench-0.1.0-SNAPSHOT-exec.jar
 * platform|ingestion|identity|pipeline-floor|profile-api|consent-decisions|activation-isolation|... [--option value ...]}; {@code ./cdp bench} runs {@code platform}. See docs/performance.md for the figures
 * and how they were taken.
 */
public final class Bench {

    static final String USAGE = """
            usage: bench platform [--help for its options]   (what ./cdp bench runs: the whole platform, end to end)
                   bench profile|consent|activation|segmentation [--people 1000000] [--messages 200000]
                                  [--warmup-messages 50000] [--consumers 2] [--timeout 15m]
                   bench segmentation-latency [--profiles 1000000 (0: no build)] [--live-profiles 20000] [--rate 1000] [--warmup 30s] [--duration 60s]
                   bench profile-api [--profiles 1000000] [--rate 1000] [--warmup 15s] [--duration 30s]
                   bench consent-decisions [--profiles 1000000] [--batch 500] [--rate 20] [--warmup 30s] [--duration 60s]
                   bench activation-isolation [--rate 20] [--warmup 15s] [--duration 60s] [--trickle 30s]
                   bench ingestion [--warmup 10s] [--duration 30s] [--connections 8] [--batch 100]
                   bench identity [--identifiers 1000000] [--events 300000] [--warmup-events 60000] [--mix 60/30/10]
                                  [--consumers 2] [--events-per-transaction 100] [--timeout 10m]
                   bench pipeline-floor [--events 300000] [--warmup-events 60000] [--consumers 2] [--timeout 10m]
              identity: --mix is known/new/merging percent of the events
              pipeline-floor: identity's Kafka and JSON work with no database, the ceiling of the identity benchmark""";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("platform")) {
            org.opencdp.bench.platform.PlatformBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
            System.exit(0);
        }
        if (args.length > 0 && List.of("profile", "consent", "activation", "segmentation").contains(args[0])) {
            Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
            long people = Long.parseLong(options.getOrDefault("people", args[0].equals("profile") ? "1000000" : "200000"));
            org.opencdp.bench.consumer.ConsumerBenchmarks.run(args[0], people,
                    org.opencdp.bench.consumer.ConsumerBenchmarks.settings(
                            Long.parseLong(options.getOrDefault("messages", "200000")),
                            Long.parseLong(options.getOrDefault("warmup-messages", "50000")),
                            Integer.parseInt(options.getOrDefault("consumers", "2")),
                            duration(options.getOrDefault("timeout", "15m"))));
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("segmentation-latency")) {
            Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
            org.opencdp.bench.consumer.SegmentationLatencyBenchmark.run(new org.opencdp.bench.consumer.SegmentationLatencyBenchmark.Settings(
                    Long.parseLong(options.getOrDefault("profiles", "1000000")),
                    Long.parseLong(options.getOrDefault("live-profiles", "20000")),
                    Double.parseDouble(options.getOrDefault("rate", "1000")),
                    duration(options.getOrDefault("warmup", "30s")), duration(options.getOrDefault("duration", "60s"))));
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("profile-api")) {
            Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
            org.opencdp.bench.consumer.ProfileApiBenchmark.run(new org.opencdp.bench.consumer.ProfileApiBenchmark.Settings(
                    Long.parseLong(options.getOrDefault("profiles", "1000000")),
                    Double.parseDouble(options.getOrDefault("rate", "1000")),
                    duration(options.getOrDefault("warmup", "15s")),
                    duration(options.getOrDefault("duration", "30s"))));
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("consent-decisions")) {
            Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
            org.opencdp.bench.consumer.ConsentDecisionsBenchmark.run(
                    new org.opencdp.bench.consumer.ConsentDecisionsBenchmark.Settings(
                            Long.parseLong(options.getOrDefault("profiles", "1000000")),
                            Integer.parseInt(options.getOrDefault("batch", "500")),
                            Double.parseDouble(options.getOrDefault("rate", "20")),
                            duration(options.getOrDefault("warmup", "30s")),
                            duration(options.getOrDefault("duration", "60s"))));
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("activation-isolation")) {
            Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
            org.opencdp.bench.consumer.ActivationIsolationBenchmark.run(
                    new org.opencdp.bench.consumer.ActivationIsolationBenchmark.Settings(
                            Double.parseDouble(options.getOrDefault("rate", "20")),
                            duration(options.getOrDefault("warmup", "15s")),
                            duration(options.getOrDefault("duration", "60s")),
                            duration(options.getOrDefault("trickle", "30s"))));
            System.exit(0);
        }
        if (args.length == 0 || !List.of("ingestion", "identity", "pipeline-floor").contains(args[0])) {
            System.err.println(USAGE);
            System.exit(2);
        }
        Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
        if (args[0].equals("identity")) {
            IdentityBenchmark.run(new IdentityBenchmark.Settings(
                    Long.parseLong(options.getOrDefault("identifiers", "1000000")),
                    Long.parseLong(options.getOrDefault("events", "300000")),
                    Long.parseLong(options.getOrDefault("warmup-events", "60000")),
                    IdentityTraffic.Mix.parse(options.getOrDefault("mix", "60/30/10")),
                    Integer.parseInt(options.getOrDefault("consumers", "2")),
                    Integer.parseInt(options.getOrDefault("events-per-transaction", "100")),
                    duration(options.getOrDefault("timeout", "10m"))));
            System.exit(0);
        }
        if (args[0].equals("pipeline-floor")) {
            PipelineFloorBenchmark.run(new PipelineFloorBenchmark.Settings(
                    Long.parseLong(options.getOrDefault("events", "300000")),
                    Long.parseLong(options.getOrDefault("warmup-events", "60000")),
                    Integer.parseInt(options.getOrDefault("consumers", "2")),
                    duration(options.getOrDefault("timeout", "10m"))));
            System.exit(0);
        }
        var settings = new IngestionBenchmark.Settings(
                duration(options.getOrDefault("warmup", "10s")),
                duration(options.getOrDefault("duration", "30s")),
                Integer.parseInt(options.getOrDefault("connections", "8")),
                Integer.parseInt(options.getOrDefault("batch", "100")));
        IngestionBenchmark.run(settings);
        System.exit(0);
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("Expected --name value pairs, got: " + String.join(" ", args));
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    /** {@code 30s}, {@code 2m} or an ISO-8601 duration. */
    static Duration duration(String text) {
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        if (text.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        if (text.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        return Duration.parse(text);
    }

    private Bench() {
    }
}
