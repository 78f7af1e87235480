package org.opencdp.bench.consumer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.opencdp.bench.BenchInfrastructure;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.TokenIssuer;
import org.opencdp.profile.ProfileServiceApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Profile API over {@code profiles} preloaded people ({@link ProfileWorkload#preloadProfiles}):
 * an open loop of {@code rate} requests per second, a third each {@code GET /v1/profiles/{id}},
 * {@code GET /v1/profiles/lookup} (by user_id or email) and {@code GET /v1/profiles/{id}/events},
 * for random people; latency from when each request was due (so a stall counts for every request
 * it delays), per endpoint, after a warm-up at the same rate; at most 64 requests in flight.
 */
public final class ProfileApiBenchmark {

    /** The load. */
    public record Settings(long profiles, double rate, Duration warmup, Duration duration) {
    }

    private enum Endpoint { PROFILE, LOOKUP, EVENTS }

    private static final int CONNECTIONS = 64;

    private ProfileApiBenchmark() {
    }

    public static void run(Settings settings) throws Exception {
        try (BenchInfrastructure infrastructure = BenchInfrastructure.start();
             ConfigurableApplicationContext service = ProfileServiceApplication.application().run(
                     infrastructure.serviceArguments("--spring.kafka.listener.auto-startup=false",
                             // one token drives the whole load: the per-token limit would measure itself
                             "--cdp.kit.limits.requests-per-second=1000000", "--cdp.kit.limits.burst=1000000",
                             "--logging.level.org.opencdp=ERROR"))) {
            System.out.printf("Profile API benchmark: %,d profiles, %,.0f requests/s for %d s after %d s warm-up, %d cores%n",
                    settings.profiles(), settings.rate(), settings.duration().toSeconds(), settings.warmup().toSeconds(),
                    Runtime.getRuntime().availableProcessors());
            long started = System.nanoTime();
            Properties properties = new Properties();
            properties.setProperty("user", "postgres");
            properties.setProperty("password", "postgres");
            try (Connection connection = DriverManager.getConnection(infrastructure.jdbcUrl(), properties)) {
                ProfileWorkload.preloadProfiles(connection, settings.profiles());
            }
            System.out.printf("  preloaded in %.1f s%n", (System.nanoTime() - started) / 1e9);
            String token = new TokenIssuer(infrastructure.secret()).issue(BenchData.WORKSPACE, Scopes.PROFILES_READ, "bench",
                    Duration.ofHours(2));
            URI base = Api.base(service);
            load(base, token, settings, settings.warmup(), "warm-up");
            load(base, token, settings, settings.duration(), "measured");
        }
    }

    /** One request, due at {@code due} (System.nanoTime). */
    private record Call(long due, Endpoint endpoint, String path) {
    }

    /**
     * Open loop through {@value #CONNECTIONS} connections: requests are queued at their due time and
     * sent by the first free connection; latency counts from the due time, so queueing behind a slow
     * answer counts too. (Unbounded concurrency opened so many sockets in this one JVM, where the
     * broker and the service also run, that it ran out of file descriptors.)
     */
    private static void load(URI base, String token, Settings settings, Duration duration, String phase)
            throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<Endpoint, Recorder> latency = new ConcurrentHashMap<>();
        for (Endpoint endpoint : Endpoint.values()) {
            latency.put(endpoint, new Recorder(3));
        }
        Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
        java.util.concurrent.BlockingQueue<Call> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        AtomicInteger outstanding = new AtomicInteger();
        java.util.List<Thread> connections = new java.util.ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            connections.add(Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Call call = queue.take();
                        if (call.endpoint() == null) {
                            return;
                        }
                        try {
                            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(base.resolve(call.path()))
                                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).GET()
                                    .build(), HttpResponse.BodyHandlers.discarding());
                            if (response.statusCode() != 200) {
                                failures.computeIfAbsent(call.endpoint() + " HTTP " + response.statusCode(),
                                        key -> new AtomicLong()).incrementAndGet();
                            }
                        } catch (java.io.IOException e) {
                            failures.computeIfAbsent(e.getClass().getSimpleName(), key -> new AtomicLong()).incrementAndGet();
                        }
                        latency.get(call.endpoint()).recordValue(Math.max(1, (System.nanoTime() - call.due()) / 1000));
                        outstanding.decrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        SplittableRandom random = new SplittableRandom(31);
        long interval = (long) (1e9 / settings.rate());
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long requests = 0;
        for (long k = 0; ; k++) {
            long due = start + k * interval;
            if (due >= end) {
                break;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            Endpoint endpoint = Endpoint.values()[random.nextInt(3)];
            long person = 1 + random.nextLong(settings.profiles());
            String path = switch (endpoint) {
                case PROFILE -> "/v1/profiles/" + BenchData.profileId(person);
                case LOOKUP -> random.nextBoolean() ? "/v1/profiles/lookup?type=user_id&value=user-" + person
                        : "/v1/profiles/lookup?type=email&value=user-" + person + "%40example.com";
                case EVENTS -> "/v1/profiles/" + BenchData.profileId(person) + "/events?limit=20";
            };
            requests++;
            outstanding.incrementAndGet();
            queue.add(new Call(due, endpoint, path));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000);
        }
        for (int i = 0; i < CONNECTIONS; i++) {
            queue.add(new Call(0, null, null));
        }
        for (Thread connection : connections) {
            connection.join(5_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("  %s: %,d requests in %.1f s (%,.0f/s)%s%n", phase, requests, seconds, requests / seconds,
                failures.isEmpty() ? "" : ", failures " + failures);
        Histogram all = new Histogram(3);
        for (Endpoint endpoint : Endpoint.values()) {
            Histogram histogram = latency.get(endpoint).getIntervalHistogram();
            all.add(histogram);
            print("    " + endpoint.name().toLowerCase(java.util.Locale.ROOT), histogram);
        }
        print("    all", all);
    }

    private static void print(String name, Histogram micros) {
        System.out.printf("%-12s p50 %6.2f ms   p95 %6.2f ms   p99 %6.2f ms   max %7.2f ms   (%,d)%n", name,
                micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(95) / 1000.0,
                micros.getValueAtPercentile(99) / 1000.0, micros.getMaxValue() / 1000.0, micros.getTotalCount());
    }

    static List<String> endpoints() {
        return List.of("GET /v1/profiles/{id}", "GET /v1/profiles/lookup", "GET /v1/profiles/{id}/events");
    }
}
