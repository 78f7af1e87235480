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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.opencdp.bench.BenchInfrastructure;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.security.Scopes;
import org.opencdp.kit.security.TokenIssuer;
import org.opencdp.profile.ProfileServiceApplication;
import org.opencdp.segmentation.SegmentationServiceApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 11: segmentation's real-time membership and builds, alone on this machine (in-JVM broker,
 * PostgreSQL, profile-service and segmentation-service with their listeners running, the load generator).
 * <ol>
 *   <li><b>Build and preview over {@code --profiles} profiles</b> (default 1,000,000, preloaded by SQL
 *       into workspace {@code bench}; 0 skips this part): a new segment of mixed node types ({@code and},
 *       {@code trait}, {@code computedTrait}, {@code not}) is created and timed until {@code ready}; then
 *       previews of a trait, a computed-trait and a segment condition are timed.</li>
 *   <li><b>Event → membership latency</b> in workspace {@code bench-live} ({@code --live-profiles},
 *       default 20,000, preloaded into segmentation) with 20 live segments of mixed node types (traits,
 *       computed traits, and/or/not, segments built on segments, and 5 with {@code event} nodes, whose
 *       hidden computed traits profile-service keeps). Events enter where identity-service hands them
 *       on: EventResolved on the resolved events topic, which profile-service consumes and turns into
 *       ProfileChanged for segmentation. They run on an open-loop clock at {@code --rate} (default
 *       1,000/s) for {@code --duration}, after {@code --warmup}. Ten a second are probes: five
 *       identify calls that switch a probe profile's {@code plan} between {@code pro} and {@code free}
 *       (into or out of "Pro and high value", two {@code segment} nodes: trait-node latency), and five
 *       third "Order Completed" of a new profile (into "3+ orders in 30 days", an {@code event} node:
 *       event-node latency). Latency = the MembershipChanged record's timestamp (when the relay
 *       published it) minus when the probe was sent.</li>
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
    /** The segments whose entries and exits are timed (see {@link #liveSegments()}, from 1). */
    private static final int TRAIT_PROBED = 13;
    private static final int EVENT_PROBED = 4;
    private static final String ORDER_COMPLETED = "Order Completed";
    private static final String VIEWED_PRICING = "Viewed Pricing";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] PLANS = {"free", "pro", "business"};
    private static final String[] COUNTRIES = {"DE", "FR", "NL", "ES", "AT"};

    private SegmentationLatencyBenchmark() {
    }

    public static void run(Settings settings) throws Exception {
        try (BenchInfrastructure infrastructure = BenchInfrastructure.start();
             ConfigurableApplicationContext profile = ProfileServiceApplication.application().run(
                     infrastructure.serviceArguments("--logging.level.org.opencdp=WARN",
                             "--spring.kafka.listener.concurrency=2",
                             "--cdp.profile.retention.maintenance-enabled=false"));
             ConfigurableApplicationContext service = SegmentationServiceApplication.application().run(
                     infrastructure.serviceArguments("--logging.level.org.opencdp=WARN",
                             "--spring.kafka.listener.concurrency=2",
                             "--cdp.segmentation.profile.url=http://localhost:"
                                     + profile.getEnvironment().getProperty("local.server.port")))) {
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

            if (settings.profiles() > 0) {
                build(base, buildToken, settings);
            }
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
        System.out.printf("  20 live segments (5 with event nodes) built over %,d profiles in %.1f s%n",
                settings.liveProfiles() + PROBES, (System.nanoTime() - started) / 1e9);
        Probes traitProbes = new Probes("trait node (identify -> \"Pro and high value\")", ids.get(TRAIT_PROBED));
        Probes eventProbes = new Probes("event node (3rd Order Completed -> \"3+ orders in 30 days\")",
                ids.get(EVENT_PROBED));
        Map<String, Probes> probed = Map.of(traitProbes.segmentId, traitProbes, eventProbes.segmentId, eventProbes);

        boolean measuring = false;
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
                        Probes probes = probed.get(change.segmentId());
                        if (probes != null) {
                            probes.seen(change.profileId(), record.timestamp());
                        }
                    }
                }
            }
        });
        Thread.sleep(2_000); // the watcher's consumer joins at the end of the topic
        List<String> lags = java.util.Collections.synchronizedList(new ArrayList<>());
        long loadStarted = System.nanoTime();
        Thread lagSampler = Thread.ofPlatform().name("lag-sampler").start(() -> {
            try {
                while (running.get()) {
                    Thread.sleep(5_000); // a sample every 5 s: which stage queues, and when
                    lags.add(String.format("%.0fs %s/%s", (System.nanoTime() - loadStarted) / 1e9,
                            lag(bootstrap, "cdp-profile", Topics.RESOLVED_EVENTS),
                            lag(bootstrap, "cdp-segmentation", Topics.PROFILE_CHANGES)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                lags.add("sampling failed: " + e);
            }
        });

        SplittableRandom random = new SplittableRandom(11);
        boolean[] pro = new boolean[PROBES];
        int nextProbe = 0;
        long nextOrderProbe = 0;
        long sent = 0;
        long warmupNanos = settings.warmup().toNanos();
        long totalNanos = warmupNanos + settings.duration().toNanos();
        long probeEvery = Math.max(2, (long) (settings.rate() / PROBES_PER_SECOND));
        String loadStart = null;
        try (var producer = BenchInfrastructure.loadProducer(bootstrap)) {
            long start = System.nanoTime();
            while (true) {
                long elapsed = System.nanoTime() - start;
                if (elapsed >= totalNanos) {
                    break;
                }
                if (!measuring && elapsed >= warmupNanos) {
                    measuring = true;
                    traitProbes.startMeasuring();
                    eventProbes.startMeasuring();
                    loadStart = loadAverage();
                }
                long due = (long) (elapsed / 1e9 * settings.rate());
                for (; sent < due; sent++) {
                    List<EventResolved> events = new ArrayList<>(3);
                    if (sent % probeEvery == 0) {
                        int probe = nextProbe;
                        nextProbe = (nextProbe + 1) % PROBES;
                        String profileId = "probe-" + probe;
                        if (traitProbes.waitingFor(profileId)) {
                            continue; // its last switch is not seen yet: switching again would pair the wrong records
                        }
                        pro[probe] = !pro[probe];
                        events.add(identify(profileId, Map.of("plan", pro[probe] ? "pro" : "free")));
                        traitProbes.sent(profileId);
                    } else if (sent % probeEvery == probeEvery / 2) {
                        // a new customer's first two orders now, and the third of the one 5 probes (1 s) before
                        long order = nextOrderProbe++;
                        events.add(order("eprobe-" + order, 20));
                        events.add(order("eprobe-" + order, 20));
                        if (order >= PROBES_PER_SECOND) {
                            String profileId = "eprobe-" + (order - PROBES_PER_SECOND);
                            events.add(order(profileId, 20));
                            eventProbes.sent(profileId);
                        }
                    } else {
                        events.add(background(random, settings.liveProfiles()));
                    }
                    for (EventResolved event : events) {
                        producer.send(new ProducerRecord<>(event.topic(), event.key(), MessageCodec.toJson(event)));
                    }
                }
                Thread.sleep(2); // the open-loop clock's tick
            }
            producer.flush();
        }
        String lagAtEnd = lag(bootstrap, "cdp-profile", Topics.RESOLVED_EVENTS) + " EventResolved to go in profile-service, "
                + lag(bootstrap, "cdp-segmentation", Topics.PROFILE_CHANGES) + " ProfileChanged in segmentation";
        Thread.sleep(10_000); // the last probes' records
        running.set(false);
        watcher.join();
        lagSampler.interrupt();
        lagSampler.join();
        System.out.printf("  event -> membership at %,.0f events/s (EventResolved into profile-service), 20 live segments,"
                + " %s measured after %s warm-up; load average %s -> %s%n", settings.rate(), settings.duration(),
                settings.warmup(), loadStart, loadAverage());
        System.out.printf("  when the load stopped: %s%n", lagAtEnd);
        synchronized (lags) {
            System.out.printf("  not yet consumed every 5 s from the start of the load (profile-service/segmentation): %s%n",
                    String.join(", ", lags));
        }
        traitProbes.report();
        eventProbes.report();
    }

    /** How many messages of {@code topic} the consumer group has not committed yet (which stage fell behind). */
    private static String lag(String bootstrap, String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (var end : ends.entrySet()) {
                OffsetAndMetadata offset = committed.get(end.getKey());
                lag += Math.max(0, end.getValue().offset() - (offset == null ? 0 : offset.offset()));
            }
            return String.format("%,d", lag);
        }
    }

    /** One kind of probe: when each profile's probe was sent, and the latencies of those seen entering or leaving. */
    private static final class Probes {
        private final String label;
        private final String segmentId;
        private final Map<String, Long> pending = new ConcurrentHashMap<>();
        private final List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        private volatile long measuredFrom = Long.MAX_VALUE;
        private long sent;

        Probes(String label, String segmentId) {
            this.label = label;
            this.segmentId = segmentId;
        }

        boolean waitingFor(String profileId) {
            return pending.containsKey(profileId);
        }

        void sent(String profileId) {
            pending.put(profileId, System.currentTimeMillis());
            sent++;
        }

        /** Only probes sent from now on count: those of the warm-up may still be queued behind its backlog. */
        void startMeasuring() {
            latencies.clear();
            sent = 0;
            measuredFrom = System.currentTimeMillis();
        }

        void seen(String profileId, long publishedAt) {
            Long at = pending.remove(profileId);
            if (at != null && at >= measuredFrom) {
                latencies.add(publishedAt - at);
            }
        }

        void report() {
            List<Long> sorted;
            synchronized (latencies) {
                sorted = new ArrayList<>(latencies);
            }
            sorted.sort(Long::compare);
            System.out.printf("  %s: %,d probes sent, %,d measured, %,d not seen within 10 s of the end%n", label, sent,
                    sorted.size(), pending.size());
            if (!sorted.isEmpty()) {
                long p99 = percentile(sorted, 0.99);
                System.out.printf("    latency p50 %,d ms, p90 %,d ms, p99 %,d ms, max %,d ms (target p99 < 1 s: %s)%n",
                        percentile(sorted, 0.5), percentile(sorted, 0.9), p99, sorted.getLast(),
                        p99 < 1000 && pending.isEmpty() ? "met" : "NOT met");
            }
        }
    }

    private static long percentile(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    /** Background traffic: identify calls changing one trait, orders and pricing page views of random people. */
    private static EventResolved background(SplittableRandom random, long people) {
        String profileId = "live-" + (1 + random.nextLong(people));
        return switch (random.nextInt(10)) {
            case 0 -> identify(profileId, Map.of("plan", PLANS[random.nextInt(PLANS.length)]));
            case 1 -> identify(profileId, Map.of("country", COUNTRIES[random.nextInt(COUNTRIES.length)]));
            case 2 -> identify(profileId, Map.of("age", 18 + random.nextInt(60)));
            case 3 -> identify(profileId, Map.of("vip", random.nextBoolean()));
            case 4, 5, 6 -> order(profileId, 1 + random.nextInt(200));
            default -> track(profileId, VIEWED_PRICING, Map.of());
        };
    }

    private static EventResolved identify(String profileId, Map<String, Object> traits) {
        return resolved(profileId, EventType.identify, null, null, traits);
    }

    private static EventResolved order(String profileId, int total) {
        return track(profileId, ORDER_COMPLETED, Map.of("total", total));
    }

    private static EventResolved track(String profileId, String name, Map<String, Object> properties) {
        return resolved(profileId, EventType.track, name, properties, null);
    }

    /** An event as identity-service hands it on (EventResolved on the resolved events topic). */
    private static EventResolved resolved(String profileId, EventType type, String name, Map<String, Object> properties,
                                          Map<String, Object> traits) {
        Instant now = Instant.now();
        SegmentEvent event = new SegmentEvent(type, UUID.randomUUID().toString(), "user-" + profileId, null, name, null,
                null, null, null, now, now, now, now, NODES.objectNode(), object(properties), object(traits), null);
        return new EventResolved(UUID.randomUUID(), LIVE_WORKSPACE, profileId, "src_web", now, now, event);
    }

    private static ObjectNode object(Map<String, Object> values) {
        return values == null ? null : MessageCodec.mapper().valueToTree(values);
    }

    /** The 20 live segments: name and condition, where {@code {"segment": n}} names the n-th (from 1). */
    private static List<Object[]> liveSegments() {
        Instant now = Instant.now();
        return List.of(
                new Object[] {"Pro", leaf("trait", "plan", "eq", "pro")},
                new Object[] {"DACH", leaf("trait", "country", "in", List.of("DE", "AT", "CH"))},
                new Object[] {"40+", leaf("trait", "age", "gte", 40)},
                new Object[] {"3+ orders in 30 days", event(ORDER_COMPLETED, List.of(), "gte", 3, "within", "P30D")},
                new Object[] {"Not free", Map.of("not", leaf("trait", "plan", "eq", "free"))},
                new Object[] {"Example mail", leaf("trait", "email", "ends_with", "@example.com")},
                new Object[] {"High value", leaf("computedTrait", "ltv", "gte", 500)},
                new Object[] {"Frequent", leaf("computedTrait", "orders", "gte", 3)},
                new Object[] {"Big order this week", event(ORDER_COMPLETED,
                        List.of(Map.of("property", "total", "op", "gte", "value", 100)), "gte", 1, "within", "P7D")},
                new Object[] {"Pro in France", Map.of("and", List.of(leaf("trait", "plan", "eq", "pro"),
                        leaf("trait", "country", "eq", "FR")))},
                new Object[] {"Big or frequent", Map.of("or", List.of(leaf("computedTrait", "ltv", "gte", 800),
                        leaf("computedTrait", "orders", "gte", 5)))},
                new Object[] {"Pro, ordered this quarter", Map.of("and", List.of(leaf("trait", "plan", "eq", "pro"),
                        event(ORDER_COMPLETED, List.of(), "gte", 1, "between",
                                List.of(now.minus(Duration.ofDays(45)).toString(), now.plus(Duration.ofDays(45)).toString()))))},
                new Object[] {"Pro and high value", Map.of("and", List.of(Map.of("segment", 1), Map.of("segment", 7)))},
                new Object[] {"DACH or 40+", Map.of("or", List.of(Map.of("segment", 2), Map.of("segment", 3)))},
                new Object[] {"Free", Map.of("not", Map.of("segment", 5))},
                new Object[] {"VIP pro high value", Map.of("and", List.of(Map.of("segment", 13),
                        leaf("trait", "vip", "eq", true)))},
                new Object[] {"Viewed pricing, no order", Map.of("and", List.of(
                        event(VIEWED_PRICING, List.of(), "gte", 2, "within", "P7D"),
                        Map.of("not", event(ORDER_COMPLETED, List.of(), "gte", 3, "within", "P30D")),
                        leaf("computedTrait", "lastOrderAt", "not_exists", null)))},
                new Object[] {"Pricing regulars", event(VIEWED_PRICING, List.of(), "between", List.of(3, 10),
                        "within", "P1D")},
                new Object[] {"Paying, not example mail", Map.of("and", List.of(Map.of("or", List.of(
                        leaf("trait", "plan", "in", List.of("pro", "business")), leaf("computedTrait", "ltv", "gte", 300))),
                        Map.of("not", Map.of("segment", 6))))},
                new Object[] {"Top tier", Map.of("or", List.of(Map.of("segment", 16), Map.of("segment", 10)))});
    }

    private static Map<String, Object> event(String name, List<Object> where, String op, Object value, String window,
                                             Object range) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("event", name);
        if (!where.isEmpty()) {
            node.put("where", where);
        }
        node.put("count", Map.of("op", op, "value", value));
        node.put(window, range);
        return node;
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
