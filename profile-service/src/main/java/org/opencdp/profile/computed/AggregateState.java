package org.opencdp.profile.computed;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * The state an aggregation keeps per profile and trait, from which its value follows. Every state is
 * a commutative monoid under {@link Aggregations#combine}: folding events one by one, in any order,
 * or combining the states of two merged profiles gives the state of all their events together, so a
 * running value stays exact under out-of-order delivery and merges.
 */
sealed interface AggregateState {

    /** {@code count}: the number of events. */
    record Count(long count) implements AggregateState {
    }

    /** {@code sum} and {@code avg}: the exact sum of the numeric values and how many there were. */
    record Total(BigDecimal sum, long count) implements AggregateState {
    }

    /** {@code min} and {@code max}: the extreme numeric value so far, null before any. */
    record Extreme(BigDecimal value) implements AggregateState {
    }

    /**
     * {@code first} and {@code last}: the value of the winning event with its position (event time,
     * messageId); all null before any.
     */
    record Positioned(JsonNode value, Instant at, String messageId) implements AggregateState {

        static final Positioned EMPTY = new Positioned(null, null, null);

        boolean isEmpty() {
            return at == null;
        }
    }

    /**
     * {@code most_frequent} and {@code unique_count}: how often each scalar value occurred, keyed by
     * its canonical form ({@link ScalarKey}).
     */
    record Frequencies(SortedMap<String, Long> counts) implements AggregateState {

        public Frequencies {
            counts = Collections.unmodifiableSortedMap(new TreeMap<>(counts));
        }
    }
}
