package org.opencdp.profile.computed;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.profile.computed.ValueRepository.Computed;
import org.opencdp.profile.computed.ValueRepository.StoredValue;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * Keeps computed-trait values up to date, in the transaction of the change that moves them.
 *
 * <p>Representation: a trait without a window keeps a running {@link AggregateState} per profile
 * (a count, an exact sum and count, an extreme, the winning event's value and position, or the count
 * of each distinct value), folded with each matching event and combined on merges; it never
 * re-reads events. A trait with a window is recomputed in SQL from the profile's events inside the
 * window whenever a matching event arrives and when its oldest event leaves the window
 * ({@code expires_at}, see {@link DecayWorker}).
 */
@Service
public class ComputedTraitService {

    private final DefinitionRepository definitions;
    private final ValueRepository values;

    ComputedTraitService(DefinitionRepository definitions, ValueRepository values) {
        this.definitions = definitions;
        this.values = values;
    }

    /** What folding merged profiles into a survivor did to computed traits. */
    public record Absorbed(Map<String, JsonNode> changed, Map<String, List<String>> removedByMergedId) {
    }

    /**
     * Applies a newly stored event of {@code profileId} (locked by the caller) to the traits over its
     * name; returns the keys whose value changed, with the new values.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Map<String, JsonNode> onEvent(String workspaceId, String profileId, SegmentEvent event, Instant occurredAt,
                                         Instant now) {
        if (event.type() != SegmentEvent.EventType.track || event.event() == null) {
            return Map.of();
        }
        Map<String, JsonNode> changed = new TreeMap<>();
        List<ComputedTraitDefinition> matching = definitions.liveForEvent(workspaceId, event.event()).stream()
                .filter(d -> d.tracksIncrementally(profileId) && d.matches(event.properties())).toList();
        if (matching.isEmpty()) {
            return changed;
        }
        Map<String, StoredValue> current = values.find(workspaceId, profileId,
                matching.stream().filter(d -> d.window() == null).map(ComputedTraitDefinition::key).toList());
        for (ComputedTraitDefinition definition : matching) {
            if (definition.window() != null) {
                if (occurredAt.isAfter(now.minus(definition.window()))) {
                    recompute(definition, profileId, now).ifPresent(v -> changed.put(definition.key(), v));
                }
                continue;
            }
            Optional<AggregateState> observed = Aggregations.observe(definition.aggregation(),
                    definition.valueIn(event.properties()), occurredAt, event.messageId());
            if (observed.isPresent()) {
                StoredValue before = current.get(definition.key());
                AggregateState state = Aggregations.combine(definition.aggregation(), stateOf(definition, before),
                        observed.get());
                store(definition, profileId, before, state, null, now).ifPresent(v -> changed.put(definition.key(), v));
            }
        }
        return changed;
    }

    /**
     * Folds the computed traits of merged profiles into the survivor, after their events moved to it
     * (all locked by the caller): running states are combined, windowed values recomputed. Deletes
     * the merged profiles' values.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Absorbed absorb(String workspaceId, String survivorId, List<String> mergedIds, Instant now) {
        Map<String, Map<String, StoredValue>> merged = new LinkedHashMap<>();
        Map<String, List<String>> removed = new LinkedHashMap<>();
        for (String mergedId : mergedIds) {
            merged.put(mergedId, values.find(workspaceId, mergedId, null));
            List<String> keys = values.deleteAll(workspaceId, mergedId);
            if (!keys.isEmpty()) {
                removed.put(mergedId, keys);
            }
        }
        Map<String, JsonNode> changed = new TreeMap<>();
        Map<String, StoredValue> survivor = values.find(workspaceId, survivorId, null);
        for (ComputedTraitDefinition definition : definitions.live(workspaceId)) {
            Optional<JsonNode> value;
            if (definition.window() != null) {
                value = recompute(definition, survivorId, now);
            } else if (!definition.tracksIncrementally(survivorId)) {
                continue; // the backfill will compute the survivor from its events, the moved ones included
            } else if (mergedIds.stream().allMatch(definition::tracksIncrementally)) {
                List<AggregateState> states = new ArrayList<>();
                merged.values().forEach(byKey -> Optional.ofNullable(byKey.get(definition.key()))
                        .ifPresent(v -> states.add(stateOf(definition, v))));
                if (states.isEmpty()) {
                    continue;
                }
                StoredValue before = survivor.get(definition.key());
                AggregateState state = stateOf(definition, before);
                for (AggregateState other : states) {
                    state = Aggregations.combine(definition.aggregation(), state, other);
                }
                value = store(definition, survivorId, before, state, null, now);
            } else {
                value = recompute(definition, survivorId, now); // a merged profile not backfilled yet
            }
            value.ifPresent(v -> changed.put(definition.key(), v));
        }
        return new Absorbed(changed, removed);
    }

    /** The current non-null computed-trait values of a profile, by key. */
    public Map<String, JsonNode> valuesOf(String workspaceId, String profileId) {
        return values.valuesOf(workspaceId, profileId);
    }

    /**
     * Recomputes one trait of one profile from its stored events (within the window when it has one)
     * and stores it; returns the new value when it changed.
     */
    Optional<JsonNode> recompute(ComputedTraitDefinition definition, String profileId, Instant now) {
        Instant since = definition.windowLength().map(now::minus).orElse(null);
        Computed computed = values.compute(AggregateQuery.forProfiles(definition, List.of(profileId), since))
                .get(profileId);
        StoredValue before = values.find(definition.workspaceId(), profileId, List.of(definition.key()))
                .get(definition.key());
        if (computed == null && before == null) {
            return Optional.empty();
        }
        return store(definition, profileId, before, stateOf(definition, computed), expiry(definition, computed), now);
    }

    /**
     * Stores a state computed by SQL for a profile with no stored value (a backfill); returns the
     * value.
     */
    JsonNode storeComputed(ComputedTraitDefinition definition, String profileId, Computed computed, Instant now) {
        AggregateState state = stateOf(definition, computed);
        JsonNode value = Aggregations.value(definition.aggregation(), state);
        values.upsert(definition.workspaceId(), profileId, definition.key(), value, Aggregations.toJson(state),
                expiry(definition, computed), now);
        return value;
    }

    private Optional<JsonNode> store(ComputedTraitDefinition definition, String profileId, StoredValue before,
                                     AggregateState state, Instant expiresAt, Instant now) {
        JsonNode value = Aggregations.value(definition.aggregation(), state);
        values.upsert(definition.workspaceId(), profileId, definition.key(), value, Aggregations.toJson(state),
                expiresAt, now);
        return before == null || !JsonValues.same(before.value(), value) ? Optional.of(value) : Optional.empty();
    }

    private static Instant expiry(ComputedTraitDefinition definition, Computed computed) {
        Duration window = definition.window();
        return window == null || computed == null ? null : computed.oldest().plus(window);
    }

    private static AggregateState stateOf(ComputedTraitDefinition definition, StoredValue stored) {
        return stored == null ? Aggregations.empty(definition.aggregation())
                : Aggregations.fromJson(definition.aggregation(), stored.state());
    }

    private static AggregateState stateOf(ComputedTraitDefinition definition, Computed computed) {
        return computed == null ? Aggregations.empty(definition.aggregation())
                : Aggregations.fromJson(definition.aggregation(), computed.state());
    }
}
