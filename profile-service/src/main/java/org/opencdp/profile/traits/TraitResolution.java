package org.opencdp.profile.traits;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * The rule that decides a trait's value, by event time and not by arrival (DESIGN §4.3): an
 * observation replaces the current one only when its event time is later, or equal with a greater
 * messageId. That is a total order on observations, so the winner of each key is the greatest
 * observation whatever order they arrive in: out-of-order delivery gives the same profile as
 * in-order delivery. Pure: no I/O, no clock.
 */
public final class TraitResolution {

    /** The order in which observations supersede each other: event time, then messageId. */
    public static final Comparator<TraitObservation> EVENT_ORDER = Comparator
            .comparing(TraitObservation::observedAt)
            .thenComparing(TraitObservation::messageId);

    /** Numbers compare by value ({@code 1}, {@code 1.0} and {@code 1e0} are the same trait value). */
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    /**
     * What applying observations to a profile's traits does.
     *
     * @param accepted the observations that won, by key: the new stored state of those keys
     *     (provenance may change without the value changing)
     * @param changed the keys whose value actually changed, with the new value (JSON null for a
     *     removal), sorted by key
     */
    public record Outcome(Map<String, TraitObservation> accepted, Map<String, JsonNode> changed) {

        public Outcome {
            accepted = Map.copyOf(accepted);
            changed = java.util.Collections.unmodifiableMap(new TreeMap<>(changed));
        }
    }

    /**
     * Applies {@code incoming} to {@code current} (the stored winner of each key; keys not in it have
     * never been observed).
     */
    public static Outcome resolve(Map<String, TraitObservation> current, Collection<TraitObservation> incoming) {
        Map<String, TraitObservation> winners = new HashMap<>(current);
        Map<String, TraitObservation> accepted = new HashMap<>();
        for (TraitObservation observation : incoming) {
            TraitObservation existing = winners.get(observation.key());
            if (existing == null || supersedes(observation, existing)) {
                winners.put(observation.key(), observation);
                accepted.put(observation.key(), observation);
            }
        }
        Map<String, JsonNode> changed = new HashMap<>();
        accepted.forEach((key, winner) -> {
            TraitObservation before = current.get(key);
            JsonNode previous = before == null ? NullNode.getInstance() : before.value();
            if (!sameValue(previous, winner.value())) {
                changed.put(key, winner.value());
            }
        });
        return new Outcome(accepted, changed);
    }

    /** Whether {@code candidate} replaces {@code existing}. */
    public static boolean supersedes(TraitObservation candidate, TraitObservation existing) {
        return EVENT_ORDER.compare(candidate, existing) > 0;
    }

    /** Deep equality of two trait values, numbers compared by value, object key order ignored. */
    static boolean sameValue(JsonNode a, JsonNode b) {
        return a.equals(NUMBERS_BY_VALUE, b);
    }

    private TraitResolution() {
    }
}
