package org.opencdp.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.ingestion.IngestionServiceApplication;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.TokenIssuer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * How many events per second ingestion accepts through {@code /v1/batch}, and with what latency:
 * a closed-loop phase finds the maximum (every connection sends its next batch as soon as the last
 * one was answered), then an open-loop phase offers half of that rate on a fixed schedule and
 * measures latency from each request's scheduled start (so a stall is not hidden by the load
 * generator waiting for it). Everything runs on this machine: the in-JVM KRaft broker, an embedded
 * PostgreSQL (or {@code CDP_BENCH_JDBC_URL}), the service and the load generator.
 *
 * <p>The per-source rate limiter is on, as in production, at {@value #DEFAULT_RATE_LIMIT} events/s
 * (burst twice that): far above what one machine reaches, so nothing is refused, but low enough that
 * its 50 ms lease is 5,000 events and the limiter takes a lease from PostgreSQL several times a
 * second (at 1,000,000 events/s a lease would be 50,000 events, about a second of this benchmark's
 * traffic, and it would hardly be exercised). {@code -Dbench.ingestion.rate-limit=off} runs without
 * it for comparison, {@code -Dbench.ingestion.rate-limit=<events/s>} at another limit. Each phase
 * prints the leases taken (inserts and updates of {@code rate_limit_buckets}, from {@code
 * pg_stat_user_tables}) and the calls refused with 429.
 */
final class IngestionBenchmark {

    static final String RATE_LIMIT_PROPERTY = "bench.ingestion.rate-limit";
    static final int DEFAULT_RATE_LIMIT = 100_000;

    record Settings(Duration warmup, Duration duration, int connections, int batchSize) {
    }

    record Result(long events, double eventsPerSecond, Histogram latency, long refused, long leases) {
    }

    /** Counts what the limiter did during a phase: its leases (from PostgreSQL's statistics) and its 429s. */
    private static final class LimiterCount {
        private final JdbcTemplate jdbc;
        private final AtomicLong refused = new AtomicLong();
        private long leasesAtStart;

        LimiterCount(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        void start() {
            refused.set(0);
            leasesAtStart = leases();
        }

        /** Leases since {@link #start}; PostgreSQL publishes a backend's statistics up to a second late. */
        long leasesSinceStart() throws InterruptedException {
            Thread.sleep(1500);
            jdbc.execute("SELECT pg_stat_clear_snapshot()");
            return leases() - leasesAtStart;
        }

        private long leases() {
            Long count = jdbc.queryForObject("SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) FROM pg_stat_user_tables "
                    + "WHERE relname = 'rate_limit_buckets'", Long.class);
            return count == null ? 0 : count;
        }
    }

    static void run(Settings settings) throws Exception {
        String rateLimitSetting = System.getProperty(RATE_LIMIT_PROPERTY, String.valueOf(DEFAULT_RATE_LIMIT)).strip();
        int rateLimit = rateLimitSetting.equalsIgnoreCase("off") ? 0 : Integer.parseInt(rateLimitSetting);
        String[] limiterArguments = rateLimit == 0
                ? new String[] {"--cdp.ingestion.rate-limit.enabled=false"}
                : new String[] {"--cdp.ingestion.rate-limit.enabled=true",
                        "--cdp.ingestion.rate-limit.events-per-second=" + rateLimit,
                        "--cdp.ingestion.rate-limit.burst=" + 2L * rateLimit};
        try (BenchInfrastructure infrastructure = BenchInfrastructure.start();
             ConfigurableApplicationContext ingestion = IngestionServiceApplication.application().run(
                     infrastructure.serviceArguments(limiterArguments))) {
            String secret = infrastructure.secret();
            URI base = URI.create("http://127.0.0.1:" + ingestion.getEnvironment().getProperty("local.server.port"));
            String writeKey = createSource(base, new TokenIssuer(secret).issue("bench", Scopes.SOURCES_WRITE, "bench",
                    Duration.ofHours(1)));
            String authorization = "Basic " + Base64.getEncoder()
                    .encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
            var batches = new BatchFactory(settings.batchSize());
            URI batchUri = base.resolve("/v1/batch");
            var limiter = new LimiterCount(ingestion.getBean(JdbcTemplate.class));

            System.out.printf("Ingestion benchmark: /v1/batch, %d events per request, %d connections, %s warm-up, %s measured, %d cores%n",
                    settings.batchSize(), settings.connections(), settings.warmup(), settings.duration(),
                    Runtime.getRuntime().availableProcessors());
            System.out.println(rateLimit == 0 ? "Rate limiter: off (-D" + RATE_LIMIT_PROPERTY + "=off)"
                    : String.format("Rate limiter: on, %,d events/s per source, burst %,d, lease %s (-D%s=off to disable)",
                            rateLimit, 2L * rateLimit, ingestion.getEnvironment().getProperty(
                                    "cdp.ingestion.rate-limit.lease", "50ms"), RATE_LIMIT_PROPERTY));
            closedLoop(batchUri, authorization, batches, settings, settings.warmup(), limiter);
            Result max = closedLoop(batchUri, authorization, batches, settings, settings.duration(), limiter);
            print("maximum (closed loop)", max);
            double halfRate = max.eventsPerSecond() / 2;
            Result half = openLoop(batchUri, authorization, batches, settings, halfRate, limiter);
            print(String.format("at half of it, %.0f events/s offered (open loop)", halfRate), half);
        }
    }

    private static Result closedLoop(URI uri, String authorization, BatchFactory batches, Settings settings,
                                     Duration duration, LimiterCount limiter) throws InterruptedException {
        var recorder = new Recorder(3);
        limiter.start();
        var accepted = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < settings.connections(); i++) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            workers.add(Thread.ofPlatform().name("bench-" + i).start(() -> {
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    int status = send(client, uri, authorization, batches.next());
                    if (status == 200) {
                        accepted.addAndGet(settings.batchSize());
                    } else if (status == 429) {
                        limiter.refused.incrementAndGet();
                    }
                    recorder.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
                }
            }));
        }
        long started = System.nanoTime();
        for (Thread worker : workers) {
            worker.join();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Result(accepted.get(), accepted.get() / seconds, recorder.getIntervalHistogram(),
                limiter.refused.get(), limiter.leasesSinceStart());
    }

    private static Result openLoop(URI uri, String authorization, BatchFactory batches, Settings settings,
                                   double eventsPerSecond, LimiterCount limiter) throws InterruptedException {
        var recorder = new Recorder(3);
        limiter.start();
        var accepted = new AtomicLong();
        long intervalNanos = (long) (1e9 * settings.batchSize() / eventsPerSecond);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long start = System.nanoTime();
        long end = start + settings.duration().toNanos();
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long k = 0; ; k++) {
                long intended = start + k * intervalNanos;
                if (intended >= end) {
                    break;
                }
                long wait = intended - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                String body = batches.next();
                senders.submit(() -> {
                    int status = send(client, uri, authorization, body);
                    if (status == 200) {
                        accepted.addAndGet(settings.batchSize());
                    } else if (status == 429) {
                        limiter.refused.incrementAndGet();
                    }
                    recorder.recordValue(Math.max(1, (System.nanoTime() - intended) / 1000));
                });
            }
            senders.shutdown();
            senders.awaitTermination(1, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(accepted.get(), accepted.get() / seconds, recorder.getIntervalHistogram(),
                limiter.refused.get(), limiter.leasesSinceStart());
    }

    /** The answer's status, or -1 when the call failed. */
    private static int send(HttpClient client, URI uri, String authorization, String body) {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri)
                    .header("Authorization", authorization)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String createSource(URI base, String token) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/v1/sources"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("Could not create the bench source: " + response.statusCode() + " " + response.body());
        }
        return MessageCodec.mapper().readTree(response.body()).path("writeKey").asString();
    }

    private static void print(String phase, Result result) {
        Histogram latency = result.latency();
        System.out.printf("  %-48s %,10.0f events/s accepted   latency p50 %6.1f ms   p99 %6.1f ms   max %6.1f ms   (%d requests, %d refused with 429, %d leases)%n",
                phase, result.eventsPerSecond(), latency.getValueAtPercentile(50) / 1000.0,
                latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0, latency.getTotalCount(),
                result.refused(), result.leases());
    }

    private IngestionBenchmark() {
    }
}
