package org.opencdp.profile.traits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;

class TraitResolutionTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final List<String> KEYS = List.of("email", "plan", "name", "address", "score");

    @Test
    void shouldReplaceAValueOnlyWithANewerObservation() {
        var current = Map.of("plan", observation("plan", JSON.stringNode("pro"), 10, "m2"));

        var older = TraitResolution.resolve(current, List.of(observation("plan", JSON.stringNode("free"), 5, "m1")));
        var newer = TraitResolution.resolve(current, List.of(observation("plan", JSON.stringNode("team"), 11, "m0")));

        assertThat(older.accepted()).isEmpty();
        assertThat(older.changed()).isEmpty();
        assertThat(newer.changed()).containsExactly(Map.entry("plan", JSON.stringNode("team")));
        assertThat(newer.accepted().get("plan").messageId()).isEqualTo("m0");
    }

    @Test
    void shouldBreakATieOnEventTimeByTheGreaterMessageId() {
        var current = Map.of("plan", observation("plan", JSON.stringNode("pro"), 10, "m5"));

        var smaller = TraitResolution.resolve(current, List.of(observation("plan", JSON.stringNode("a"), 10, "m4")));
        var greater = TraitResolution.resolve(current, List.of(observation("plan", JSON.stringNode("b"), 10, "m6")));

        assertThat(smaller.changed()).isEmpty();
        assertThat(greater.changed()).containsExactly(Map.entry("plan", JSON.stringNode("b")));
    }

    @Test
    void shouldMoveProvenanceWithoutReportingAChangeWhenANewerObservationHasTheSameValue() {
        var current = Map.of("score", observation("score", JSON.numberNode(1), 10, "m1"));

        var outcome = TraitResolution.resolve(current,
                List.of(observation("score", JSON.numberNode(new java.math.BigDecimal("1.0")), 20, "m2")));

        assertThat(outcome.changed()).isEmpty();
        assertThat(outcome.accepted().get("score").messageId()).isEqualTo("m2");
    }

    @Test
    void shouldReportARemovalAsANullValueAndIgnoreRemovingWhatNeverExisted() {
        var current = Map.of("plan", observation("plan", JSON.stringNode("pro"), 10, "m1"));

        var removal = TraitResolution.resolve(current, List.of(observation("plan", NullNode.getInstance(), 11, "m2"),
                observation("name", NullNode.getInstance(), 11, "m2")));

        assertThat(removal.changed()).containsExactly(Map.entry("plan", NullNode.getInstance()));
        assertThat(removal.accepted()).containsKeys("plan", "name");
    }

    @Test
    void shouldCompareObjectValuesIgnoringKeyOrder() {
        JsonNode a = MessageCodec.mapper().readTree("{\"city\":\"Paris\",\"zip\":\"75001\"}");
        JsonNode b = MessageCodec.mapper().readTree("{\"zip\":\"75001\",\"city\":\"Paris\"}");

        assertThat(TraitResolution.sameValue(a, b)).isTrue();
        assertThat(TraitResolution.sameValue(a, MessageCodec.mapper().readTree("{\"city\":\"Lyon\"}"))).isFalse();
    }

    /**
     * Property: whatever order a profile's events arrive in, the stored traits end the same, equal to
     * the greatest observation of each key, and the values a consumer of the published changes ends
     * up with are the same too.
     */
    @Test
    void shouldResolveToTheSameTraitsWhateverTheOrderOfDelivery() {
        for (long seed = 0; seed < 300; seed++) {
            Random random = new Random(seed);
            List<List<TraitObservation>> events = randomEvents(random);
            Map<String, TraitObservation> oracle = greatestPerKey(events);

            for (int run = 0; run < 8; run++) {
                List<List<TraitObservation>> delivery = new ArrayList<>(events);
                Collections.shuffle(delivery, random);
                // some events are delivered twice, as a retry would
                delivery.add(delivery.get(random.nextInt(delivery.size())));

                Map<String, TraitObservation> stored = new HashMap<>();
                Map<String, JsonNode> seenDownstream = new TreeMap<>();
                for (List<TraitObservation> event : delivery) {
                    var outcome = TraitResolution.resolve(stored, event);
                    assertThat(outcome.accepted().keySet()).containsAll(outcome.changed().keySet());
                    stored.putAll(outcome.accepted());
                    seenDownstream.putAll(outcome.changed());
                }

                assertThat(stored).as("seed %d run %d", seed, run).isEqualTo(oracle);
                assertThat(visible(seenDownstream)).as("seed %d run %d", seed, run)
                        .isEqualTo(visible(values(oracle)));
            }
        }
    }

    private static List<List<TraitObservation>> randomEvents(Random random) {
        int count = 1 + random.nextInt(12);
        List<List<TraitObservation>> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String messageId = "m" + random.nextInt(1_000_000) + "-" + i;
            long second = random.nextInt(4); // few distinct times, so ties on event time are common
            List<TraitObservation> event = new ArrayList<>();
            for (String key : KEYS) {
                if (random.nextInt(3) > 0) {
                    event.add(observation(key, randomValue(random), second, messageId));
                }
            }
            events.add(event);
        }
        return events;
    }

    private static JsonNode randomValue(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> NullNode.getInstance();
            case 1 -> JSON.numberNode(random.nextInt(3));
            case 2 -> JSON.stringNode("v" + random.nextInt(3));
            case 3 -> JSON.booleanNode(random.nextBoolean());
            default -> JSON.objectNode().put("city", "c" + random.nextInt(2));
        };
    }

    private static Map<String, TraitObservation> greatestPerKey(List<List<TraitObservation>> events) {
        Map<String, TraitObservation> greatest = new HashMap<>();
        events.stream().flatMap(List::stream).forEach(o -> greatest.merge(o.key(), o,
                (a, b) -> TraitResolution.EVENT_ORDER.compare(a, b) >= 0 ? a : b));
        return greatest;
    }

    private static Map<String, JsonNode> values(Map<String, TraitObservation> observations) {
        Map<String, JsonNode> values = new TreeMap<>();
        observations.forEach((key, o) -> values.put(key, o.value()));
        return values;
    }

    /** What a profile shows: removed traits are absent. */
    private static Map<String, String> visible(Map<String, JsonNode> values) {
        Map<String, String> shown = new TreeMap<>();
        values.forEach((key, value) -> {
            if (!value.isNull()) {
                shown.put(key, value.toString());
            }
        });
        return shown;
    }

    private static TraitObservation observation(String key, JsonNode value, long second, String messageId) {
        return new TraitObservation(key, value, T0.plusSeconds(second), messageId, "src_web");
    }
}
