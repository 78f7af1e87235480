package org.opencdp.bench.consumer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.opencdp.bench.BenchInfrastructure;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.TokenIssuer;
import org.opencdp.segmentation.SegmentationServiceApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Issue 11: segmentation's real-time membership and builds, alone on this machine (in-JVM broker,
 * PostgreSQL, segmentation-service with its listeners running, the load generator).
 * <ol>
 *   <li><b>Build and preview over {@code --profiles} profiles</b> (default 1,000,000, preloaded by SQL
 *       into workspace {@code bench}): a new segment of mixed node types ({@code and}, {@code trait},
 *       {@code computedTrait}, {@code not}) is created and timed until {@code ready}; then previews of
 *       a trait, a computed-trait and a segment condition are timed.</li>
 *   <li><b>Event → membership latency</b> in workspace {@code bench-live} ({@code --live-profiles},
 *       default 20,000, preloaded) with 20 live segments of mixed node types (traits, computed traits,
 *       and/or/not, and segments built on segments, up to three levels): ProfileChanged messages on an
 *       open-loop clock at {@code --rate} (default 1,000/s) for {@code --duration}, after {@code
 *       --warmup}. Five a second are probes: a probe profile (ltv 900) switches its plan between
 *       {@code pro} and {@code free}, which moves it in or out of "Pro and high value" (a segment of two
 *       segment nodes). Latency = the MembershipChanged record's timestamp (when the relay published it)
 *       minus when the probe was sent.</li>
 * </ol>
 */
public final class SegmentationLatencyBenchmark {

    /** What to run. */
    public record Settings(long profiles, long liveProfiles, double rate, Duration warmup, Duration duration) {
    }

    private static final String BUILD_WORKSPACE = BenchData.WORKSPACE;
    private static final String LIVE_WORKSPACE = "bench-live";
    private static final int PROBES = 2_000;
    private static final int PROBES_PER_SECOND = 5;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] PLANS = {"free", "pro", "business"};
    private static final String[] COUNTRIES = {"DE", "FR", "NL", "ES", "AT"};

    private SegmentationLatencyBenchmark() {
    }

    public static void run(Settings settings) throws Exception {
        try (BenchInfrastructure infrastructure = BenchInfrastructure.start();
             ConfigurableApplicationContext service = SegmentationServiceApplication.application().run(
                     infrastructure.serviceArguments("--logging.level.org.opencdp=WARN",
                             "--spring.kafka.listener.concurrency=2"))) {
            System.out.printf("segmentation-latency benchmark: %d cores, load average %s%n",
                    Runtime.getRuntime().availableProcessors(), loadAverage());
            long started = System.nanoTime();
            preload(infrastructure.jdbcUrl(), settings);
            System.out.printf("  preloaded %,d profiles (workspace %s) and %,d + %,d probes (workspace %s) in %.1f s%n",
                    settings.profiles(), BUILD_WORKSPACE, settings.liveProfiles(), PROBES, LIVE_WORKSPACE,
                    (System.nanoTime() - started) / 1e9);
            String base = "http://localhost:" + service.getEnvironment().getProperty("local.server.port");
            TokenIssuer issuer = new TokenIssuer(infrastructure.secret());
            String buildToken = issuer.issue(BUILD_WORKSPACE, Scopes.SEGMENTS_READ + " " + Scopes.SEGMENTS_WRITE,
                    "bench", Duration.ofHours(2));
            String liveToken = issuer.issue(LIVE_WORKSPACE, Scopes.SEGMENTS_READ + " " + Scopes.SEGMENTS_WRITE,
                    "bench", Duration.ofHours(2));

            build(base, buildToken, settings);
            latency(base, liveToken, infrastructure.bootstrapServers(), settings);
        }
    }

    // ---- 1. build and preview over a large workspace ----

    private static void build(String base, String token, Settings settings) throws Exception {
        Object condition = Map.of("and", List.of(
                Map.of("trait", "plan", "op", "in", "value", List.of("pro", "business")),
                Map.of("computedTrait", "ltv", "op", "gte", "value", 500),
                Map.of("not", Map.of("trait", "country", "op", "eq", "value", "DE"))));
        System.out.printf("  build: load average %s%n", loadAverage());
        long started = System.nanoTime();
        String id = post(base, token, "/v1/segments", Map.of("name", "Pro/business high value outside DE",
                "condition", condition)).path("id").asString();
        JsonNode segment;
        while (true) {
            segment = get(base, token, "/v1/segments/" + id);
            if ("ready".equals(segment.path("status").asString())) {
                break;
            }
            Thread.sleep(200); // polling the API as a user would
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("  built a new segment over %,d profiles in %.1f s (%,.0f profiles/s; target < 60 s: %s);"
                        + " %,d members; load average %s%n", settings.profiles(), seconds, settings.profiles() / seconds,
                seconds < 60 ? "met" : "NOT met", segment.path("size").asLong(), loadAverage());

        Map<String, Object> previews = new LinkedHashMap<>();
        previews.put("trait", Map.of("trait", "age", "op", "between", "value", List.of(30, 40)));
        previews.put("computedTrait or trait", Map.of("or", List.of(Map.of("computedTrait", "orders", "op", "gte", "value", 7),
                Map.of("trait", "email", "op", "ends_with", "value", "@example.com"))));
        previews.put("segment and not", Map.of("and", List.of(Map.of("segment", id),
                Map.of("not", Map.of("trait", "age", "op", "lt", "value", 30)))));
        for (var preview : previews.entrySet()) {
            long start = System.nanoTime();
            JsonNode answer = post(base, token, "/v1/segments/preview", Map.of("condition", preview.getValue()));
            double ms = (System.nanoTime() - start) / 1e6;
            System.out.printf("  preview (%s) over %,d profiles: %,.0f ms, size %,d (target < 5 s: %s)%n",
                    preview.getKey(), settings.profiles(), ms, answer.path("size").asLong(), ms < 5000 ? "met" : "NOT met");
        }
    }

    // ---- 2. event -> membership latency with 20 live segments ----

    private static void latency(String base, String token, String bootstrap, Settings settings) throws Exception {
        Map<Integer, String> ids = new LinkedHashMap<>();
        List<Object[]> definitions = liveSegments();
        for (int i = 0; i < definitions.size(); i++) {
            Object condition = resolve(definitions.get(i)[1], ids);
            ids.put(i + 1, post(base, token, "/v1/segments", Map.of("name", definitions.get(i)[0], "condition", condition))
                    .path("id").asString());
        }
        long started = System.nanoTime();
        for (String id : ids.values()) {
            while (!"ready".equals(get(base, token, "/v1/segments/" + id).path("status").asString())) {
                Thread.sleep(200); // polling the API as a user would
            }
        }
        System.out.printf("  20 live segments built over %,d profiles in %.1f s%n", settings.liveProfiles() + PROBES,
                (System.nanoTime() - started) / 1e9);
        String probed = ids.get(13);

        Map<String, Long> pending = new ConcurrentHashMap<>();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread watcher = Thread.ofPlatform().name("membership-watcher").start(() -> {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "bench-latency-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
                consumer.subscribe(List.of(Topics.MEMBERSHIPS));
                while (running.get()) {
                    for (var record : consumer.poll(Duration.ofMillis(100))) {
                        MembershipChanged change = MessageCodec.read(record.value(), MembershipChanged.class);
                        if (!probed.equals(change.segmentId())) {
                            continue;
                        }
                        Long sent = pending.remove(change.profileId());
                        if (sent != null && measuring.get()) {
                            latencies.add(record.timestamp() - sent);
                        }
                    }
                }
            }
        });
        Thread.sleep(2_000); // the watcher's consumer joins at the end of the topic

        SplittableRandom random = new SplittableRandom(11);
        boolean[] pro = new boolean[PROBES];
        int nextProbe = 0;
        long sent = 0;
        long probes = 0;
        long warmupNanos = settings.warmup().toNanos();
        long totalNanos = warmupNanos + settings.duration().toNanos();
        double probeEvery = settings.rate() / PROBES_PER_SECOND;
        String loadStart = null;
        try (var producer = BenchInfrastructure.loadProducer(bootstrap)) {
            long start = System.nanoTime();
            while (true) {
                long elapsed = System.nanoTime() - start;
                if (elapsed >= totalNanos) {
                    break;
                }
                if (!measuring.get() && elapsed >= warmupNanos) {
                    measuring.set(true);
                    latencies.clear();
                    loadStart = loadAverage();
                }
                long due = (long) (elapsed / 1e9 * settings.rate());
                for (; sent < due; sent++) {
                    ProfileChanged change;
                    if (sent % (long) probeEvery == 0) {
                        int probe = nextProbe;
                        nextProbe = (nextProbe + 1) % PROBES;
                        String profileId = "probe-" + probe;
                        if (pending.containsKey(profileId)) {
                            continue; // its last switch is not seen yet: switching again would pair the wrong records
                        }
                        pro[probe] = !pro[probe];
                        change = new ProfileChanged(UUID.randomUUID(), LIVE_WORKSPACE, Instant.now(), profileId,
                                Map.of("plan", NODES.stringNode(pro[probe] ? "pro" : "free")), Map.of());
                        pending.put(profileId, System.currentTimeMillis());
                        probes++;
                    } else {
                        change = background(random, settings.liveProfiles());
                    }
                    producer.send(new ProducerRecord<>(change.topic(), change.key(), MessageCodec.toJson(change)));
                }
                Thread.sleep(2); // the open-loop clock's tick
            }
            producer.flush();
        }
        Thread.sleep(5_000); // the last probes' records
        running.set(false);
        watcher.join();
        List<Long> sorted;
        synchronized (latencies) {
            sorted = new ArrayList<>(latencies);
        }
        sorted.sort(Long::compare);
        long lost = pending.size();
        System.out.printf("  event -> membership at %,.0f changes/s, 20 live segments, %s measured after %s warm-up:"
                        + " %,d probes sent, %,d measured, %,d not seen within 5 s of the end%n",
                settings.rate(), settings.duration(), settings.warmup(), probes, sorted.size(), lost);
        if (!sorted.isEmpty()) {
            long p99 = percentile(sorted, 0.99);
            System.out.printf("  latency p50 %,d ms, p90 %,d ms, p99 %,d ms, max %,d ms (target p99 < 1 s: %s);"
                            + " load average %s -> %s%n", percentile(sorted, 0.5), percentile(sorted, 0.9), p99,
                    sorted.getLast(), p99 < 1000 && lost == 0 ? "met" : "NOT met", loadStart, loadAverage());
        }
    }

    private static long percentile(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static ProfileChanged background(SplittableRandom random, long people) {
        Map<String, JsonNode> traits = new LinkedHashMap<>();
        Map<String, JsonNode> computed = new LinkedHashMap<>();
        switch (random.nextInt(6)) {
            case 0 -> traits.put("plan", NODES.stringNode(PLANS[random.nextInt(PLANS.length)]));
            case 1 -> traits.put("country", NODES.stringNode(COUNTRIES[random.nextInt(COUNTRIES.length)]));
            case 2 -> traits.put("age", NODES.numberNode(18 + random.nextInt(60)));
            case 3 -> traits.put("vip", NODES.booleanNode(random.nextBoolean()));
            case 4 -> computed.put("ltv", NODES.numberNode(random.nextInt(1000)));
            default -> {
                computed.put("orders", NODES.numberNode(random.nextInt(9)));
                computed.put("lastOrderAt", NODES.stringNode(Instant.now().toString()));
            }
        }
        return new ProfileChanged(UUID.randomUUID(), LIVE_WORKSPACE, Instant.now(), "live-" + (1 + random.nextLong(people)),
                traits, computed);
    }

    /** The 20 live segments: name and condition, where {@code {"segment": n}} names the n-th (from 1). */
    private static List<Object[]> liveSegments() {
        return List.of(
                new Object[] {"Pro", leaf("trait", "plan", "eq", "pro")},
                new Object[] {"DACH", leaf("trait", "country", "in", List.of("DE", "AT", "CH"))},
                new Object[] {"40+", leaf("trait", "age", "gte", 40)},
                new Object[] {"25 to 35", leaf("trait", "age", "between", List.of(25, 35))},
                new Object[] {"Not free", Map.of("not", leaf("trait", "plan", "eq", "free"))},
                new Object[] {"Example mail", leaf("trait", "email", "ends_with", "@example.com")},
                new Object[] {"High value", leaf("computedTrait", "ltv", "gte", 500)},
                new Object[] {"Frequent", leaf("computedTrait", "orders", "gte", 3)},
                new Object[] {"Low value", leaf("computedTrait", "ltv", "lt", 50)},
                new Object[] {"Pro in France", Map.of("and", List.of(leaf("trait", "plan", "eq", "pro"),
                        leaf("trait", "country", "eq", "FR")))},
                new Object[] {"Big or frequent", Map.of("or", List.of(leaf("computedTrait", "ltv", "gte", 800),
                        leaf("computedTrait", "orders", "gte", 5)))},
                new Object[] {"30+ outside DE", Map.of("and", List.of(leaf("trait", "age", "gte", 30),
                        Map.of("not", leaf("trait", "country", "eq", "DE"))))},
                new Object[] {"Pro and high value", Map.of("and", List.of(Map.of("segment", 1), Map.of("segment", 7)))},
                new Object[] {"DACH or 40+", Map.of("or", List.of(Map.of("segment", 2), Map.of("segment", 3)))},
                new Object[] {"Free", Map.of("not", Map.of("segment", 5))},
                new Object[] {"VIP pro high value", Map.of("and", List.of(Map.of("segment", 13),
                        leaf("trait", "vip", "eq", true)))},
                new Object[] {"Has ordered", leaf("computedTrait", "lastOrderAt", "exists", null)},
                new Object[] {"VIP", leaf("trait", "vip", "eq", true)},
                new Object[] {"Paying, not example mail", Map.of("and", List.of(Map.of("or", List.of(
                        leaf("trait", "plan", "in", List.of("pro", "business")), leaf("computedTrait", "ltv", "gte", 300))),
                        Map.of("not", Map.of("segment", 6))))},
                new Object[] {"Top tier", Map.of("or", List.of(Map.of("segment", 16), Map.of("segment", 10)))});
    }

    private static Map<String, Object> leaf(String member, String path, String op, Object value) {
        Map<String, Object> leaf = new LinkedHashMap<>();
        leaf.put(member, path);
        leaf.put("op", op);
        if (value != null) {
            leaf.put("value", value);
        }
        return leaf;
    }

    @SuppressWarnings("unchecked")
    private static Object resolve(Object condition, Map<Integer, String> ids) {
        if (condition instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            ((Map<String, Object>) map).forEach((k, v) -> copy.put(k, k.equals("segment") ? ids.get((Integer) v)
                    : resolve(v, ids)));
            return copy;
        }
        if (condition instanceof List<?> list) {
            return list.stream().map(v -> resolve(v, ids)).toList();
        }
        return condition;
    }

    // ---- preload ----

    private static void preload(String jdbcUrl, Settings settings) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("password", "postgres");
        try (Connection connection = DriverManager.getConnection(jdbcUrl, properties);
             Statement statement = connection.createStatement()) {
            statement.execute("SET search_path TO segmentation");
            statement.execute(insert("'" + BUILD_WORKSPACE + "'", BenchData.PROFILE_ID_SQL, settings.profiles(), "i"));
            statement.execute(insert("'" + LIVE_WORKSPACE + "'", "'live-' || i", settings.liveProfiles(), "i"));
            statement.execute("""
                    INSERT INTO profile_traits (workspace_id, profile_id, traits, computed_traits, updated_at)
                    SELECT '%s', 'probe-' || i, '{"plan": "free", "country": "NL", "age": 33}'::jsonb,
                           '{"ltv": 900, "orders": 1}'::jsonb, now() - interval '1 day'
                    FROM generate_series(0, %d) AS i""".formatted(LIVE_WORKSPACE, PROBES - 1));
            statement.execute("VACUUM (ANALYZE) profile_traits");
        }
    }

    private static String insert(String workspace, String id, long count, String i) {
        return """
                INSERT INTO profile_traits (workspace_id, profile_id, traits, computed_traits, updated_at)
                SELECT %s, %s,
                       jsonb_build_object('plan', (ARRAY['free','pro','business'])[1 + %s %% 3],
                                          'country', (ARRAY['DE','FR','NL','ES','AT'])[1 + %s %% 5],
                                          'age', 18 + %s %% 60, 'vip', %s %% 10 = 0,
                                          'email', 'user-' || %s || CASE WHEN %s %% 2 = 0 THEN '@example.com' ELSE '@example.org' END),
                       jsonb_build_object('ltv', (%s::bigint * 7919) %% 1000, 'orders', %s %% 9),
                       now() - interval '1 day'
                FROM generate_series(1, %d) AS i""".formatted(workspace, id, i, i, i, i, i, i, i, i, count);
    }

    // ---- helpers ----

    private static JsonNode post(String base, String token, String path, Object body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(MessageCodec.mapper().writeValueAsString(body))), token, path);
    }

    private static JsonNode get(String base, String token, String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), token, path);
    }

    private static JsonNode send(HttpRequest.Builder request, String token, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return MessageCodec.mapper().readTree(response.body());
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .split(" "), 3));
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
