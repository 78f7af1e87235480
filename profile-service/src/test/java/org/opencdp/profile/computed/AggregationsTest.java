package org.opencdp.profile.computed;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

class AggregationsTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");

    record Event(JsonNode value, Instant at, String messageId) {
    }

    @Test
    void shouldComputeEachAggregationOfAFewEvents() {
        List<Event> events = List.of(
                new Event(JSON.numberNode(10), T.plusSeconds(30), "m3"),
                new Event(JSON.numberNode(2.5), T, "m1"),
                new Event(JSON.stringNode("n/a"), T.plusSeconds(10), "m2"),
                new Event(JSON.numberNode(10.0), T.plusSeconds(30), "m4"),
                new Event(null, T.plusSeconds(40), "m5"));

        assertThat(valueOf(Aggregation.count, events)).isEqualTo(JSON.numberNode(5L));
        assertThat(valueOf(Aggregation.sum, events).decimalValue()).isEqualByComparingTo("22.5");
        assertThat(valueOf(Aggregation.avg, events).decimalValue()).isEqualByComparingTo("7.5");
        assertThat(valueOf(Aggregation.min, events).decimalValue()).isEqualByComparingTo("2.5");
        assertThat(valueOf(Aggregation.max, events).decimalValue()).isEqualByComparingTo("10");
        assertThat(valueOf(Aggregation.first, events)).isEqualTo(JSON.numberNode(2.5));
        assertThat(valueOf(Aggregation.last, events)).as("m4 wins the tie at T+30s on its messageId")
                .isEqualTo(JSON.numberNode(10.0));
        assertThat(valueOf(Aggregation.most_frequent, events)).as("10 and 10.0 are one value")
                .isEqualTo(JSON.numberNode(10L));
        assertThat(valueOf(Aggregation.unique_count, events)).isEqualTo(JSON.numberNode(3L));
    }

    @Test
    void shouldGiveTheValueOfNothingWhenNoEventCounts() {
        List<Event> none = List.of(new Event(JSON.stringNode("x"), T, "m1"));

        assertThat(valueOf(Aggregation.sum, none)).isEqualTo(JSON.numberNode(0L));
        assertThat(valueOf(Aggregation.avg, none).isNull()).isTrue();
        assertThat(valueOf(Aggregation.min, none).isNull()).isTrue();
        assertThat(valueOf(Aggregation.max, List.of()).isNull()).isTrue();
        assertThat(valueOf(Aggregation.first, List.of()).isNull()).isTrue();
        assertThat(valueOf(Aggregation.most_frequent, List.of()).isNull()).isTrue();
        assertThat(valueOf(Aggregation.unique_count, List.of()).asLong()).isZero();
        assertThat(valueOf(Aggregation.count, List.of()).asLong()).isZero();
    }

    @Test
    void shouldBreakAMostFrequentTieByTheSmallestCanonicalValueAndKeepTheValuesType() {
        List<Event> events = List.of(new Event(JSON.stringNode("pro"), T, "m1"),
                new Event(JSON.stringNode("free"), T, "m2"), new Event(JSON.booleanNode(true), T, "m3"),
                new Event(JSON.booleanNode(true), T, "m4"), new Event(JSON.stringNode("free"), T, "m5"));

        assertThat(valueOf(Aggregation.most_frequent, events)).as("b:true sorts before s:free")
                .isEqualTo(JSON.booleanNode(true));
    }

    @Test
    void shouldKeepSumsExactAndMeansToThirtyFourDigits() {
        List<Event> events = List.of(new Event(JSON.numberNode(0.1), T, "a"), new Event(JSON.numberNode(0.2), T, "b"),
                new Event(JSON.numberNode(new BigDecimal("1E+2")), T, "c"));

        assertThat(valueOf(Aggregation.sum, events).decimalValue()).isEqualTo(new BigDecimal("100.3"));
        assertThat(valueOf(Aggregation.avg, events).decimalValue())
                .isEqualTo(new BigDecimal("33.43333333333333333333333333333333"));
        assertThat(MessageCodec.mapper().writeValueAsString(valueOf(Aggregation.max, events))).isEqualTo("100");
    }

    @Test
    void shouldReadBackEveryStateFromItsJsonForm() {
        List<Event> events = List.of(new Event(JSON.numberNode(3), T, "m1"), new Event(JSON.stringNode("x"), T, "m2"),
                new Event(JSON.numberNode(-1.25), T.plusSeconds(1), "m3"));
        for (Aggregation aggregation : Aggregation.values()) {
            AggregateState state = fold(aggregation, events);
            JsonNode json = MessageCodec.mapper().readTree(MessageCodec.mapper().writeValueAsString(Aggregations.toJson(state)));
            assertThat(Aggregations.value(aggregation, Aggregations.fromJson(aggregation, json)))
                    .as(aggregation.name()).isEqualTo(Aggregations.value(aggregation, state));
        }
    }

    @Property(tries = 200)
    void shouldNotDependOnTheOrderOfEventsNorOnHowTheyAreSplitBetweenMergedProfiles(
            @ForAll("events") List<Event> events, @ForAll long seed) {
        Random random = new Random(seed);
        List<Event> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, random);
        int split = events.isEmpty() ? 0 : random.nextInt(events.size() + 1);
        for (Aggregation aggregation : Aggregation.values()) {
            AggregateState inOrder = fold(aggregation, events);
            AggregateState merged = Aggregations.combine(aggregation, fold(aggregation, shuffled.subList(0, split)),
                    fold(aggregation, shuffled.subList(split, shuffled.size())));
            assertThat(Aggregations.value(aggregation, merged)).as(aggregation.name())
                    .isEqualTo(Aggregations.value(aggregation, inOrder));
        }
    }

    @Provide
    Arbitrary<List<Event>> events() {
        Arbitrary<JsonNode> values = Arbitraries.oneOf(
                Arbitraries.integers().between(-5, 5).map(i -> (JsonNode) JSON.numberNode(i)),
                Arbitraries.of("a", "b", "c").map(s -> (JsonNode) JSON.stringNode(s)),
                Arbitraries.of(true, false).map(b -> (JsonNode) JSON.booleanNode(b)),
                Arbitraries.just((JsonNode) JSON.nullNode()));
        Arbitrary<Instant> times = Arbitraries.integers().between(0, 5).map(T::plusSeconds);
        return Combinators.combine(values, times).as((value, at) -> new Event(value, at, null)).list().ofMaxSize(12)
                .map(list -> {
                    List<Event> unique = new ArrayList<>(); // messageIds are unique per profile
                    for (int i = 0; i < list.size(); i++) {
                        unique.add(new Event(list.get(i).value(), list.get(i).at(), "m" + i));
                    }
                    return unique;
                });
    }

    private static JsonNode valueOf(Aggregation aggregation, List<Event> events) {
        return Aggregations.value(aggregation, fold(aggregation, events));
    }

    private static AggregateState fold(Aggregation aggregation, List<Event> events) {
        AggregateState state = Aggregations.empty(aggregation);
        for (Event event : events) {
            Optional<AggregateState> observed = Aggregations.observe(aggregation, event.value(), event.at(),
                    event.messageId());
            if (observed.isPresent()) {
                state = Aggregations.combine(aggregation, state, observed.get());
            }
        }
        return state;
    }
}
