package org.opencdp.profile.computed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Topics;
import org.opencdp.profile.ConsumerFeed;
import org.opencdp.profile.ProfileEvents;
import org.opencdp.profile.ServiceUnderTest;
import org.opencdp.profile.computed.ValueRepository.Computed;
import org.opencdp.profile.computed.ValueRepository.StoredValue;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Issue 18, as a property: whatever the events and whenever the computed traits are defined while
 * they flow, once every backfill is done each value equals a recomputation from the stored events.
 * Two feeders hand random chunks of random events (out of order, with repeated messageIds) to the
 * resolved-events listener at once (each its own profiles and partition), the first one defining
 * traits between its chunks, while the scheduled backfill worker runs in small batches.
 */
class ComputedTraitsPropertyIT {

    private static final Instant T = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    private static final List<String> NAMES = List.of("Order Completed", "Viewed Product");
    private static final List<String> AGGREGATIONS = List.of("count", "sum", "avg", "min", "max", "first", "last",
            "most_frequent", "unique_count");
    private static final List<String> WHERE = List.of("", "{\"property\":\"currency\",\"op\":\"eq\",\"value\":\"EUR\"}",
            "{\"property\":\"total\",\"op\":\"gte\",\"value\":10}");
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final AtomicInteger PARTITIONS = new AtomicInteger(100);

    private static ServiceUnderTest service;

    /** One event: fed by the feeder of its profile (0–3: the first, 4–7: the second). */
    record Event(int profile, int messageId, int name, int second, String total, String currency) {

        int feeder() {
            return profile < 4 ? 0 : 1;
        }

        EventResolved message(String ws) {
            String properties = "{" + String.join(",", java.util.stream.Stream.of(
                    total.isEmpty() ? null : "\"total\":" + total,
                    currency.isEmpty() ? null : "\"currency\":" + currency).filter(p -> p != null).toList()) + "}";
            return ProfileEvents.track(ws, "p" + profile, "m" + messageId, T.plusSeconds(second),
                    NAMES.get(name), properties);
        }
    }

    /** A trait defined by the first feeder before its chunk {@code beforeChunk} (after the last one when past it). */
    record Definition(int aggregation, boolean onTotal, int where, int name, int beforeChunk) {

        String json(String key) {
            String kind = AGGREGATIONS.get(aggregation);
            String property = kind.equals("count") ? "" : ",\"property\":\""
                    + (onTotal || List.of("sum", "avg", "min", "max").contains(kind) ? "total" : "currency") + "\"";
            String filter = WHERE.get(where).isEmpty() ? "" : ",\"where\":[" + WHERE.get(where) + "]";
            return "{\"key\":\"" + key + "\",\"aggregation\":\"" + kind + "\",\"event\":\"" + NAMES.get(name) + "\""
                    + property + filter + "}";
        }
    }

    @BeforeContainer
    static void startService() {
        service = ServiceUnderTest.start(Map.of("cdp.profile.computed-traits.backfill-batch-size", 2,
                "cdp.profile.computed-traits.backfill-interval", "20ms"));
    }

    @AfterContainer
    static void stopService() {
        if (service != null) {
            service.close();
        }
    }

    @Property(tries = 10)
    void shouldEqualARecomputationFromTheStoredEventsWhateverMomentTheTraitsAreDefinedAt(
            @ForAll("events") List<Event> events, @ForAll("definitions") List<Definition> traits,
            @ForAll Random random) throws Exception {
        String ws = "prop-ct-" + RUNS.incrementAndGet();
        List<List<List<EventResolved>>> chunks = List.of(chunks(ws, events, 0, random), chunks(ws, events, 1, random));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < traits.size(); i++) {
            keys.add("t" + i);
        }
        ExecutorService feeders = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = feeders.submit(() -> feed(chunks.get(0), i -> define(ws, traits, keys, i)));
            Future<?> second = feeders.submit(() -> feed(chunks.get(1), i -> { }));
            first.get(120, TimeUnit.SECONDS);
            second.get(120, TimeUnit.SECONDS);
        } finally {
            feeders.shutdownNow();
        }
        define(ws, traits, keys, Integer.MAX_VALUE);
        DefinitionRepository definitions = service.bean(DefinitionRepository.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> definitions.live(ws).stream()
                .allMatch(d -> d.status() == ComputedTraitDefinition.Status.ready));

        List<String> profiles = service.bean(JdbcTemplate.class).queryForList(
                "SELECT id FROM profiles WHERE workspace_id = ? AND merged_into IS NULL", String.class, ws);
        ValueRepository values = service.bean(ValueRepository.class);
        for (ComputedTraitDefinition definition : definitions.live(ws)) {
            Map<String, Computed> expected = values.compute(AggregateQuery.forProfiles(definition, profiles, null));
            for (String profileId : profiles) {
                StoredValue stored = values.find(ws, profileId, List.of(definition.key())).get(definition.key());
                Computed recomputed = expected.get(profileId);
                String what = definition.key() + " " + traitJson(traits, keys, definition.key()) + " of " + profileId;
                if (recomputed == null) {
                    assertThat(stored).as(what + ": no counted event, no value").isNull();
                    continue;
                }
                JsonNode value = Aggregations.value(definition.aggregation(),
                        Aggregations.fromJson(definition.aggregation(), recomputed.state()));
                assertThat(stored).as(what + " has a value").isNotNull();
                assertThat(JsonValues.same(stored.value(), value)).as(what + ": " + stored.value() + " = " + value)
                        .isTrue();
            }
        }
    }

    @Provide
    Arbitrary<List<Event>> events() {
        return Combinators.combine(Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 30),
                        Arbitraries.integers().between(0, 1), Arbitraries.integers().between(0, 20),
                        Arbitraries.of("", "1", "10", "12.5", "49", "\"n/a\""),
                        Arbitraries.of("", "\"EUR\"", "\"USD\"", "\"eur\""))
                .as(Event::new).list().ofMinSize(1).ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<Definition>> definitions() {
        return Combinators.combine(Arbitraries.integers().between(0, AGGREGATIONS.size() - 1),
                        Arbitraries.of(true, false), Arbitraries.integers().between(0, WHERE.size() - 1),
                        Arbitraries.integers().between(0, 1), Arbitraries.integers().between(0, 8))
                .as(Definition::new).list().ofMinSize(1).ofMaxSize(4);
    }

    /** A feeder's events in their order, cut into chunks of one to five. */
    private static List<List<EventResolved>> chunks(String ws, List<Event> events, int feeder, Random random) {
        List<EventResolved> mine = events.stream().filter(e -> e.feeder() == feeder).map(e -> e.message(ws)).toList();
        List<List<EventResolved>> chunks = new ArrayList<>();
        for (int start = 0; start < mine.size(); ) {
            int end = Math.min(mine.size(), start + 1 + random.nextInt(5));
            chunks.add(mine.subList(start, end));
            start = end;
        }
        return chunks;
    }

    /** Delivers the chunks, each as one poll of a partition of its own; {@code before} runs before each. */
    private static void feed(List<List<EventResolved>> chunks, java.util.function.IntConsumer before) {
        ConsumerFeed feed = ConsumerFeed.of(service.bean(KafkaListenerEndpointRegistry.class), Topics.RESOLVED_EVENTS,
                PARTITIONS.getAndIncrement());
        for (int i = 0; i < chunks.size(); i++) {
            before.accept(i);
            feed.deliver(chunks.get(i));
        }
    }

    /** Defines the traits due before chunk {@code chunk} (every one left when past the last). */
    private static void define(String ws, List<Definition> traits, List<String> keys, int chunk) {
        DefinitionService definitions = service.bean(DefinitionService.class);
        for (int i = 0; i < traits.size(); i++) {
            boolean due = chunk == Integer.MAX_VALUE || traits.get(i).beforeChunk() == chunk;
            if (due && service.bean(DefinitionRepository.class).find(ws, keys.get(i)).isEmpty()) {
                definitions.create(ws, ProfileEvents.object(traits.get(i).json(keys.get(i))));
            }
        }
    }

    private static String traitJson(List<Definition> traits, List<String> keys, String key) {
        return traits.get(keys.indexOf(key)).json(key);
    }
}
