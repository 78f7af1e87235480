package org.opencdp.bench.consumer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.opencdp.bench.BenchInfrastructure;
import org.opencdp.consent.ConsentServiceApplication;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.TokenIssuer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code POST /v1/consent/decisions}, the call activation makes before every delivery, over
 * {@code profiles} preloaded people with consent state: an open loop of {@code rate} requests per
 * second, each for {@code batch} distinct profiles ({@link DecisionBatches}) and the purposes
 * marketing and analytics; latency from when each request was due (a stall counts for every request
 * it delays), after a warm-up at the same rate; at most {@value #CONNECTIONS} requests in flight.
 * Target (issue 12): p99 under 5 ms for 500-profile batches.
 */
public final class ConsentDecisionsBenchmark {

    /** The load. */
    public record Settings(long profiles, int batch, double rate, Duration warmup, Duration duration) {
    }

    static final double TARGET_P99_MILLIS = 5.0;

    private static final int CONNECTIONS = 16;

    private ConsentDecisionsBenchmark() {
    }

    public static void run(Settings settings) throws Exception {
        try (BenchInfrastructure infrastructure = BenchInfrastructure.start();
             ConfigurableApplicationContext service = ConsentServiceApplication.application().run(
                     infrastructure.serviceArguments("--spring.kafka.listener.auto-startup=false",
                             "--logging.level.org.opencdp=ERROR"))) {
            System.out.printf("Consent decisions benchmark: %,d profiles, %,.0f requests/s of %d profiles for %d s "
                            + "after %d s warm-up, %d cores%n", settings.profiles(), settings.rate(), settings.batch(),
                    settings.duration().toSeconds(), settings.warmup().toSeconds(),
                    Runtime.getRuntime().availableProcessors());
            long started = System.nanoTime();
            Properties properties = new Properties();
            properties.setProperty("user", "postgres");
            properties.setProperty("password", "postgres");
            try (Connection connection = DriverManager.getConnection(infrastructure.jdbcUrl(), properties)) {
                preload(connection, settings.profiles());
                System.out.printf("  preloaded in %.1f s%n", (System.nanoTime() - started) / 1e9);
                String token = new TokenIssuer(infrastructure.secret()).issue(BenchData.WORKSPACE, Scopes.CONSENT_READ,
                        "bench", Duration.ofHours(2));
                URI decisions = Api.base(service).resolve("/v1/consent/decisions");
                load(decisions, token, settings, settings.warmup(), "warm-up", false);
                load(decisions, token, settings, settings.duration(), "measured", true);
                System.out.printf("  consent_decisions holds %,d rows%n", count(connection, "consent.consent_decisions"));
            }
        }
    }

    /**
     * People 1..{@code profiles}, all known; 60% have a marketing statement (70% of them granted), 40%
     * an analytics statement (half granted); analytics is granted by default anywhere, marketing is
     * opt-in; 1 in {@value DecisionBatches#MERGED_EVERY} people also has a merged-away id
     * ({@link DecisionBatches#mergedId}). Then {@code VACUUM ANALYZE}.
     */
    static void preload(Connection connection, long profiles) throws SQLException {
        String series = " FROM generate_series(1, " + profiles + ") AS i";
        String id = BenchData.PROFILE_ID_SQL;
        String state = "INSERT INTO consent_state (workspace_id, profile_id, purpose, granted, occurred_at, source, "
                + "legal_basis, jurisdiction) SELECT 'bench', " + id + ", ";
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET search_path TO consent");
            statement.execute("INSERT INTO purposes (workspace_id, key, name, defaults) VALUES "
                    + "('bench', 'marketing', 'Marketing', '{}'), ('bench', 'analytics', 'Analytics', '{\"*\": true}')");
            statement.execute("INSERT INTO known_profiles (workspace_id, profile_id, first_seen_at) SELECT 'bench', "
                    + id + ", now() - interval '30 days'" + series);
            statement.execute(state + "'marketing', i % 10 < 7, now() - (i % 1440) * interval '1 minute', "
                    + "'event:src-bench', 'consent', NULL" + series + " WHERE i % 5 < 3");
            statement.execute(state + "'analytics', i % 2 = 0, now() - (i % 720) * interval '1 minute', "
                    + "'api', 'consent', 'EU'" + series + " WHERE i % 5 >= 3");
            statement.execute("INSERT INTO profile_redirects (workspace_id, merged_id, survivor_id, merge_id) "
                    + "SELECT 'bench', md5('bench-merged-' || k)::uuid::text, md5('bench-profile-' || (k * "
                    + DecisionBatches.MERGED_EVERY + "))::uuid::text, md5('bench-merge-' || k)::uuid "
                    + "FROM generate_series(1, " + DecisionBatches.mergedIds(profiles) + ") AS k");
            statement.execute("VACUUM ANALYZE");
        }
        System.out.printf("  %,d known profiles, %,d consent states, %,d merged-away ids%n",
                count(connection, "known_profiles"), count(connection, "consent_state"),
                count(connection, "profile_redirects"));
    }

    private static long count(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** One request, due at {@code due} (System.nanoTime); a {@code null} body stops a connection. */
    private record Call(long due, String body) {
    }

    /**
     * Open loop through {@value #CONNECTIONS} connections: requests are queued at their due time and
     * sent by the first free connection; latency counts from the due time. The bodies are built
     * before each phase, so drawing ids does not delay the clock.
     */
    private static void load(URI decisions, String token, Settings settings, Duration duration, String phase,
                             boolean report) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(report ? 47 : 43);
        long interval = (long) (1e9 / settings.rate());
        int requests = (int) Math.ceil(duration.toNanos() / (double) interval);
        List<String> bodies = new ArrayList<>(requests);
        for (int k = 0; k < requests; k++) {
            bodies.add(DecisionBatches.body(DecisionBatches.draw(random, settings.profiles(), settings.batch())));
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Recorder latency = new Recorder(3);
        Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
        BlockingQueue<Call> queue = new LinkedBlockingQueue<>();
        AtomicInteger outstanding = new AtomicInteger();
        List<Thread> connections = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            connections.add(Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Call call = queue.take();
                        if (call.body() == null) {
                            return;
                        }
                        try {
                            HttpResponse<String> response = http.send(HttpRequest.newBuilder(decisions)
                                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(call.body())).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            long micros = Math.max(1, (System.nanoTime() - call.due()) / 1000);
                            if (response.statusCode() != 200) {
                                failures.computeIfAbsent("HTTP " + response.statusCode(), key -> new AtomicLong())
                                        .incrementAndGet();
                            } else if (DecisionBatches.decisionsIn(response.body()) != settings.batch()) {
                                failures.computeIfAbsent("wrong number of decisions", key -> new AtomicLong())
                                        .incrementAndGet();
                            }
                            latency.recordValue(micros);
                        } catch (java.io.IOException e) {
                            failures.computeIfAbsent(e.getClass().getSimpleName(), key -> new AtomicLong())
                                    .incrementAndGet();
                        }
                        outstanding.decrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        long start = System.nanoTime();
        for (int k = 0; k < requests; k++) {
            long due = start + k * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            outstanding.incrementAndGet();
            queue.add(new Call(due, bodies.get(k)));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000);
        }
        for (int i = 0; i < CONNECTIONS; i++) {
            queue.add(new Call(0, null));
        }
        for (Thread connection : connections) {
            connection.join(5_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("  %s: %,d requests (%,d decisions) in %.1f s (%,.1f/s)%s%n", phase, requests,
                (long) requests * settings.batch(), seconds, requests / seconds,
                failures.isEmpty() ? "" : ", failures " + failures);
        Histogram micros = latency.getIntervalHistogram();
        double p99 = micros.getValueAtPercentile(99) / 1000.0;
        System.out.printf("    p50 %6.2f ms   p95 %6.2f ms   p99 %6.2f ms   max %7.2f ms   (%,d)%n",
                micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(95) / 1000.0, p99,
                micros.getMaxValue() / 1000.0, micros.getTotalCount());
        if (report) {
            System.out.printf("  target p99 < %.0f ms for %d-profile batches: %s%n", TARGET_P99_MILLIS,
                    settings.batch(), DecisionBatches.verdict(p99, TARGET_P99_MILLIS,
                            failures.values().stream().mapToLong(AtomicLong::get).sum()));
        }
    }
}
