package org.opencdp.profile.computed;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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
 * re-reads events. A trait with a window is recomputed from the profile's events inside the window
 * whenever a matching event arrives (the stored ones in SQL, a chunk's own folded in, see {@link
 * IncrementalUpdate}) and when its oldest event leaves the window ({@code expires_at}, see {@link
 * DecayWorker}). Backfills hand a new trait over to this incremental path exactly: see {@link
 * HandOverLocks}.
 */
@Service
public class ComputedTraitService {

    private final DefinitionRepository definitions;
    private final ValueRepository values;
    private final HandOverLocks locks;
    private final IncrementalUpdate incremental;

    ComputedTraitService(DefinitionRepository definitions, ValueRepository values, HandOverLocks locks,
                         IncrementalUpdate incremental) {
        this.definitions = definitions;
        this.values = values;
        this.locks = locks;
        this.incremental = incremental;
    }

    /** What folding merged profiles into a survivor did to computed traits. */
    public record Absorbed(Map<String, JsonNode> changed, Map<String, List<String>> removedByMergedId) {
    }

    /**
     * The live definitions over {@code events} (a chunk's track event names), read once for the
     * chunk, after taking the chunk's hand-over locks ({@link HandOverLocks}): call it before
     * locking any profile. Two statements.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public ChunkDefinitions definitionsFor(Collection<EventName> events) {
        if (events.isEmpty()) {
            return ChunkDefinitions.NONE;
        }
        List<EventName> distinct = events.stream().distinct().toList();
        locks.shareEvents(distinct);
        return new ChunkDefinitions(definitions.liveForEvents(distinct)); // a new snapshot: after the locks
    }

    /**
     * Applies a chunk's newly stored events (in order; null for an event that is not a named track
     * event) to the traits over them, as if one at a time; the profiles are locked by the caller.
     * Returns for each event (same index) the keys whose value it changed, with the new values.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<Map<String, JsonNode>> onEvents(ChunkDefinitions chunkDefinitions, List<TrackedEvent> events,
                                                Instant now) {
        if (chunkDefinitions.isEmpty()) {
            return events.stream().map(e -> Map.<String, JsonNode>of()).toList();
        }
        return incremental.apply(chunkDefinitions, events, now);
    }

    /**
     * Keeps backfills of the workspaces' traits out until the caller's transaction ends: taken by a
     * chunk of merges before it locks any profile ({@link HandOverLocks}).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void holdBackfills(Collection<String> workspaceIds) {
        locks.holdWorkspaces(workspaceIds.stream().sorted().toList());
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
            if (definition.status() == ComputedTraitDefinition.Status.failed) {
                continue; // cannot be read, computes nothing
            } else if (definition.window() != null) {
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
     * Stores the states computed by SQL for profiles of a backfill batch, in one statement; returns
     * the value of each.
     */
    Map<String, JsonNode> storeComputed(ComputedTraitDefinition definition, Map<String, Computed> computed,
                                        Instant now) {
        Map<String, JsonNode> stored = new TreeMap<>();
        List<ValueRepository.NewValue> rows = new ArrayList<>();
        computed.forEach((profileId, state) -> {
            AggregateState aggregate = stateOf(definition, state);
            JsonNode value = Aggregations.value(definition.aggregation(), aggregate);
            rows.add(new ValueRepository.NewValue(new ValueRepository.ValueKey(definition.workspaceId(), profileId,
                    definition.key()), value, Aggregations.toJson(aggregate), expiry(definition, state)));
            stored.put(profileId, value);
        });
        values.upsertAll(rows, now);
        return stored;
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
