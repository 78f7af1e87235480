package org.opencdp.profile.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.testsupport.ApiClient.body;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.contracts.Topics;
import org.opencdp.profile.ConsumerFeed;
import org.opencdp.profile.ProfileEvents;
import org.opencdp.profile.ServiceUnderTest;
import org.opencdp.profile.traits.TraitObservation;
import org.opencdp.profile.traits.TraitResolution;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.TopicReader;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

/**
 * Issue 9, as a property: a chunk is applied as if its events came one at a time. The same random
 * events (identifies and tracks of four profiles, out of order, ties in time, repeated messageIds,
 * identifiers shared between profiles, some events outside a window) go to one workspace one event
 * per chunk and to another in random chunks, through the resolved-events listener and the kit's
 * batch consumer; both end with the same events, traits with provenance, identifiers and computed
 * traits, and published the same changes per profile in the same order, with the same versions (1 to
 * n, without gap or repeat: issue 15). The traits are those of resolving every first occurrence by
 * event time, and the windowed computed traits those of the events inside their windows.
 */
class ChunkingPropertyIT {

    private static final Instant T = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    private static final String ORDER = "Order Completed";
    private static final Map<String, String> TRAITS = new LinkedHashMap<>();
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final AtomicInteger PARTITIONS = new AtomicInteger(100);

    static {
        TRAITS.put("orders", "\"aggregation\":\"count\"");
        TRAITS.put("revenue", "\"aggregation\":\"sum\",\"property\":\"total\"");
        TRAITS.put("last_currency", "\"aggregation\":\"last\",\"property\":\"currency\"");
        TRAITS.put("top_currency", "\"aggregation\":\"most_frequent\",\"property\":\"currency\"");
        TRAITS.put("orders_30d", "\"aggregation\":\"count\",\"within\":\"P30D\"");
        TRAITS.put("revenue_30d", "\"aggregation\":\"sum\",\"property\":\"total\",\"within\":\"P30D\"");
    }

    private static ServiceUnderTest service;
    private static ApiClient api;

    /** One event; {@code old} puts it 40 days back, outside the 30-day windows. */
    record Event(int profile, int messageId, boolean track, int second, boolean old, String plan, int user,
                 String total) {

        EventResolved message(String ws) {
            Instant at = old ? T.minus(40, ChronoUnit.DAYS).plusSeconds(second) : T.plusSeconds(second);
            String traits = plan.isEmpty() ? null : "{\"plan\":" + plan + "}";
            var event = ProfileEvents.personEvent(track ? EventType.track : EventType.identify, "m" + messageId,
                    "u" + user, null, at, track ? null : traits, track ? traits : null);
            if (track) {
                event = new org.opencdp.contracts.SegmentEvent(EventType.track, event.messageId(), event.userId(),
                        null, ORDER, null, null, null, null, at, at, at, event.receivedAt(), event.context(),
                        ProfileEvents.object("{\"total\":" + total + ",\"currency\":\"" + (messageId % 3 == 0
                                ? "EUR" : "USD") + "\"}"), null, null);
            }
            return ProfileEvents.resolved(ws, "p" + profile, event);
        }
    }

    @BeforeContainer
    static void startService() {
        service = ServiceUnderTest.start(Map.of("cdp.profile.computed-traits.backfill-interval", "50ms"));
        api = ApiClient.onPort(Integer.parseInt(service.bean(Environment.class).getProperty("local.server.port")));
    }

    @AfterContainer
    static void stopService() {
        if (service != null) {
            service.close();
        }
    }

    @Property(tries = 8)
    void shouldApplyAChunkAsIfItsEventsCameOneAtATime(@ForAll("events") List<Event> events, @ForAll Random random) {
        int run = RUNS.incrementAndGet();
        String single = "prop-single-" + run;
        String chunked = "prop-chunked-" + run;
        define(single);
        define(chunked);

        ConsumerFeed feed = ConsumerFeed.of(service.bean(KafkaListenerEndpointRegistry.class), Topics.RESOLVED_EVENTS,
                PARTITIONS.getAndIncrement());
        events.forEach(e -> feed.deliver(List.of(e.message(single))));
        List<EventResolved> messages = events.stream().map(e -> e.message(chunked)).toList();
        for (int start = 0; start < messages.size(); ) {
            int end = Math.min(messages.size(), start + 1 + random.nextInt(8));
            feed.deliver(messages.subList(start, end));
            start = end;
        }

        for (String table : List.of(
                "SELECT message_id, profile_id, occurred_at, payload::text FROM events WHERE workspace_id = ?",
                "SELECT profile_id, key, value::text, message_id, source_id, observed_at FROM traits WHERE workspace_id = ?",
                "SELECT type, value, profile_id, first_seen_at FROM profile_identifiers WHERE workspace_id = ?",
                "SELECT profile_id, trait_key, value::text, state::text, expires_at FROM computed_traits WHERE workspace_id = ?",
                "SELECT id, merged_into, updated_at >= created_at AS ordered FROM profiles WHERE workspace_id = ?")) {
            assertThat(rows(table, chunked)).as(table).isEqualTo(rows(table, single));
        }
        assertThat(published(chunked, feed)).as("changes per profile").isEqualTo(published(single, feed));
        assertThat(rows("SELECT profile_id, key, value::text, message_id FROM traits WHERE workspace_id = ? AND key = 'plan'",
                chunked))
                .as("traits by event time").isEqualTo(resolvedTraits(events, chunked));
        assertThat(rows("""
                SELECT profile_id, trait_key, value::text FROM computed_traits
                WHERE workspace_id = ? AND trait_key IN ('orders_30d', 'revenue_30d')""", chunked))
                .as("windowed traits").isEqualTo(rows("""
                SELECT profile_id, 'orders_30d' AS trait_key, count(*)::text AS value FROM events WHERE workspace_id = ? AND name = 'Order Completed'
                  AND occurred_at > now() - interval '30 days' GROUP BY profile_id
                UNION ALL
                SELECT profile_id, 'revenue_30d', trim_scale(sum((payload -> 'properties' ->> 'total')::numeric))::text
                FROM events WHERE workspace_id = ? AND name = 'Order Completed' AND occurred_at > now() - interval '30 days'
                GROUP BY profile_id""", chunked, chunked));
    }

    @Provide
    Arbitrary<List<Event>> events() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 25),
                        Arbitraries.of(true, false), Arbitraries.integers().between(0, 10),
                        Arbitraries.of(false, false, false, true), Arbitraries.of("", "\"free\"", "\"pro\"", "null"),
                        Arbitraries.integers().between(0, 5), Arbitraries.of("1", "10", "12.5", "49"))
                .as(Event::new).list().ofMinSize(1).ofMaxSize(30);
    }

    private static void define(String ws) {
        String writer = service.infrastructure().token(ws, "profiles:write profiles:read");
        TRAITS.forEach((key, definition) -> assertThat(api.post("/v1/computed-traits", writer, "{\"key\":\"" + key
                + "\"," + definition + ",\"event\":\"" + ORDER + "\"}").statusCode()).isEqualTo(201));
        await().atMost(Duration.ofSeconds(60)).until(() -> TRAITS.keySet().stream().allMatch(key -> "ready".equals(
                body(api.get("/v1/computed-traits/" + key, writer), 200).path("status").asString())));
    }

    /** Each profile's published changes (version, traits, computed traits), in order, up to a marker sent last. */
    private static Map<String, List<String>> published(String ws, ConsumerFeed feed) {
        List<String> profiles = service.bean(JdbcTemplate.class).queryForList(
                "SELECT id FROM profiles WHERE workspace_id = ? ORDER BY id", String.class, ws);
        String marker = "marker_" + RUNS.get();
        feed.deliver(profiles.stream().map(p -> ProfileEvents.identify(ws, p, marker + "-" + ws + "-" + p,
                T, "{\"" + marker + "\":true}")).toList());
        Map<String, List<String>> changes = new HashMap<>();
        try (TopicReader reader = service.infrastructure().read(Topics.PROFILE_CHANGES)) {
            reader.await(r -> r.key().startsWith(ws + ":") && r.value().contains(marker), profiles.size(),
                    Duration.ofSeconds(60));
            Set<String> done = new HashSet<>();
            for (ConsumerRecord<String, String> record : reader.await(r -> r.key().startsWith(ws + ":"), 0,
                    Duration.ZERO)) {
                ProfileChanged change = MessageCodec.read(record.value(), ProfileChanged.class);
                if (change.traits().containsKey(marker)) {
                    done.add(change.profileId());
                } else if (!done.contains(change.profileId())) {
                    List<String> ofProfile = changes.computeIfAbsent(change.profileId(), p -> new ArrayList<>());
                    assertThat(change.version()).as("issue 15: %s's changes numbered 1, 2, 3, … in order",
                            change.profileId()).isEqualTo(ofProfile.size() + 1);
                    ofProfile.add("v" + change.version() + " " + change.traits() + " " + change.computedTraits());
                }
            }
            assertThat(done).hasSameSizeAs(profiles);
        }
        return changes;
    }

    /** The traits of the first occurrence of each messageId, resolved by event time. */
    private static List<Map<String, Object>> resolvedTraits(List<Event> events, String ws) {
        Set<Integer> seen = new HashSet<>();
        Map<String, Map<String, TraitObservation>> winners = new HashMap<>();
        for (Event event : events) {
            if (!seen.add(event.messageId()) || event.plan().isEmpty()) {
                continue;
            }
            EventResolved message = event.message(ws);
            TraitObservation observed = new TraitObservation("plan", ProfileEvents.object(
                    "{\"v\":" + event.plan() + "}").get("v"), message.occurredAt(), "m" + event.messageId(), null);
            Map<String, TraitObservation> current = winners.computeIfAbsent("p" + event.profile(), p -> new HashMap<>());
            current.putAll(TraitResolution.resolve(current, List.of(observed)).accepted());
        }
        List<Map<String, Object>> expected = new ArrayList<>();
        winners.keySet().stream().sorted().forEach(profile -> winners.get(profile).values().forEach(o -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("profile_id", profile);
            row.put("key", o.key());
            row.put("value", o.value().toString());
            row.put("message_id", o.messageId());
            expected.add(row);
        }));
        return expected;
    }

    private static List<Map<String, Object>> rows(String sql, Object... args) {
        return service.bean(JdbcTemplate.class).queryForList(sql + " ORDER BY 1, 2, 3", args);
    }
}
