package org.opencdp.bench.platform;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The options of {@code ./cdp bench} ({@link #USAGE}).
 *
 * @param url base URL of a running platform (services on {@code ports}); null to start one
 * @param dataDir the started platform's data directory (null: a temporary one, deleted afterwards),
 *     or a running platform's, to sign tokens with its secret and find its PostgreSQL
 */
record PlatformOptions(List<Double> rates, Duration stepDuration, Duration warmup, int refine, Duration drainLimit,
                       Duration maxDrain, int batchSize, int singleClients, Duration singleDuration,
                       double samplesPerSecond, long seed, Path results, URI url, Map<String, Integer> ports,
                       String kafka, String token, Path dataDir, boolean keepData, OptionalLong platformPid,
                       String writeKey, boolean help) {

    static final String USAGE = """
            Usage: ./cdp bench [options]

            Runs the whole platform as a user does and measures it: starts ./cdp up (or uses a running
            platform), sends realistic shop traffic through the Tracking API from this separate process
            (100-event batches at stepped open-loop rates), feeds a webhook on a local sink through a
            trait segment (plan = pro), and finds the highest rate at which every consumer's lag stays
            bounded. Then it measures single-event requests from 64 concurrent clients. It shows one line
            per second and writes bench/results/<timestamp>.json and .md with PNG plots.

            Rates:
              --rates 500,1000,2000     the open-loop rates to step through, events/s
                                        (default: 500, doubling up to --max-rate)
              --max-rate N              highest default rate (default 16000)
              --step-duration D         how long each rate is held (default 30s)
              --warmup D                a first, unreported step at the first rate (default 60s; 0 skips): on 2 cores
                                        the JIT compilers keep a core busy for minutes after the platform starts
              --refine N                after the first unbounded rate, try N midpoints towards the last bounded one (default 1)
              --drain-limit D           a bounded step's lag must drain within this after it (default 10s)
              --max-drain D             how long to wait for lag to drain between steps (default 120s)
              --batch-size N            events per /v1/batch request (default 100)
              --samples-per-second N    people followed to profile, membership and webhook (default 5)
              --seed N                  traffic seed (default 42)

            Single-event requests:
              --single-clients N        concurrent clients (default 64)
              --single-duration D       how long (default 30s; 0 skips)

            Where:
              --results DIR             where the report goes (default bench/results)
              --data-dir DIR            data directory of the platform the bench starts (default: a temporary
                                        one, deleted afterwards); with --url, a running platform's, to sign
                                        tokens with its secret and watch its PostgreSQL
              --keep-data               keep the data directory of the platform the bench started

            A running platform (instead of starting one):
              --url URL                 e.g. http://localhost; services on the ports below
              --ingestion-port N        likewise --identity-port, --profile-port, --segmentation-port,
                                        --activation-port, --consent-port (defaults 8081-8086)
              --kafka HOST:PORT         its broker, for consumer lag (default 127.0.0.1:19092)
              --token JWT               a management token with all scopes (or --data-dir to sign one)
              --write-key KEY           send with this source's write key instead of creating a source
                                        (its own rate limit then applies: 2,000 events/s by default)
              --platform-pid N          its JVM, for CPU and memory (default: found by its command line)

            Durations: 500ms, 30s, 2m or ISO-8601 (PT30S).
            Examples:
              ./cdp bench
              ./cdp bench --rates 1000,3000 --step-duration 60s
              ./cdp bench --url http://localhost --data-dir .cdp
            """;

    static final List<String> SERVICES = List.of("ingestion", "identity", "profile", "segmentation", "activation",
            "consent");
    private static final Set<String> FLAGS = Set.of("keep-data", "help");

    static PlatformOptions parse(String... args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h")) {
                arg = "--help";
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("Unexpected argument '" + arg + "' (options are --name value)");
            }
            String name = arg.substring(2);
            String value;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            } else if (FLAGS.contains(name)) {
                value = "true";
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("Option --" + name + " needs a value");
            }
            options.put(name, value);
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (int i = 0; i < SERVICES.size(); i++) {
            ports.put(SERVICES.get(i), Integer.parseInt(options.getOrDefault(SERVICES.get(i) + "-port", "" + (8081 + i))));
        }
        List<String> known = new ArrayList<>(List.of("rates", "max-rate", "step-duration", "warmup", "refine",
                "drain-limit", "max-drain", "batch-size", "samples-per-second", "seed", "single-clients",
                "single-duration", "results", "data-dir", "keep-data", "url", "kafka", "token", "platform-pid", "write-key",
                "help"));
        SERVICES.forEach(service -> known.add(service + "-port"));
        options.keySet().stream().filter(name -> !known.contains(name)).findFirst().ifPresent(name -> {
            throw new IllegalArgumentException("Unknown option --" + name + " (./cdp bench --help lists them)");
        });
        double maxRate = Double.parseDouble(options.getOrDefault("max-rate", "16000"));
        List<Double> rates = options.containsKey("rates")
                ? Arrays.stream(options.get("rates").split(",")).map(String::trim).map(Double::parseDouble).toList()
                : doubling(500, maxRate);
        if (rates.isEmpty() || rates.stream().anyMatch(rate -> rate <= 0)) {
            throw new IllegalArgumentException("--rates must list positive rates");
        }
        String home = System.getProperty("cdp.home", ".");
        return new PlatformOptions(rates,
                duration(options.getOrDefault("step-duration", "30s")),
                duration(options.getOrDefault("warmup", "60s")),
                Integer.parseInt(options.getOrDefault("refine", "1")),
                duration(options.getOrDefault("drain-limit", "10s")),
                duration(options.getOrDefault("max-drain", "120s")),
                Integer.parseInt(options.getOrDefault("batch-size", "100")),
                Integer.parseInt(options.getOrDefault("single-clients", "64")),
                duration(options.getOrDefault("single-duration", "30s")),
                Double.parseDouble(options.getOrDefault("samples-per-second", "5")),
                Long.parseLong(options.getOrDefault("seed", "42")),
                Path.of(options.getOrDefault("results", Path.of(home, "bench", "results").toString())),
                options.containsKey("url") ? URI.create(options.get("url").replaceAll("/+$", "")) : null,
                Map.copyOf(ports),
                options.getOrDefault("kafka", "127.0.0.1:19092"),
                options.get("token"),
                options.containsKey("data-dir") ? Path.of(options.get("data-dir")) : null,
                options.containsKey("keep-data"),
                options.containsKey("platform-pid") ? OptionalLong.of(Long.parseLong(options.get("platform-pid")))
                        : OptionalLong.empty(),
                options.get("write-key"),
                options.containsKey("help"));
    }

    /** {@code from}, {@code 2·from}, … up to {@code max}. */
    static List<Double> doubling(double from, double max) {
        List<Double> rates = new ArrayList<>();
        for (double rate = from; rate <= max; rate *= 2) {
            rates.add(rate);
        }
        return rates;
    }

    /** {@code 500ms}, {@code 30s}, {@code 2m} or ISO-8601. */
    static Duration duration(String text) {
        String value = text.trim();
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        if (value.endsWith("s") && !value.startsWith("P")) {
            return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
        }
        if (value.endsWith("m") && !value.startsWith("P")) {
            return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
        }
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        return Duration.parse(value);
    }
}
