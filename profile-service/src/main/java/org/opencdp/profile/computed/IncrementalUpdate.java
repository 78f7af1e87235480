package org.opencdp.profile.computed;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.opencdp.profile.computed.ValueRepository.Computed;
import org.opencdp.profile.computed.ValueRepository.NewValue;
import org.opencdp.profile.computed.ValueRepository.StoredValue;
import org.opencdp.profile.computed.ValueRepository.ValueKey;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Applies the new track events of one chunk to the computed traits over them, with the result of
 * applying them one at a time in order, in at most three statements whatever the chunk holds:
 *
 * <ol>
 *   <li>the stored values and states of every (profile, trait) the chunk updates, read at once;</li>
 *   <li>for traits with a window, the state of each profile's stored events inside the window,
 *       the chunk's own events left out (one query for all of them);</li>
 *   <li>the new values and states, written at once.</li>
 * </ol>
 *
 * In between, each event is folded in memory, in order, into the state the events before it left:
 * a trait without a window combines the event's state with its running state; a trait with a window
 * combines it with the window's state (the stored events inside the window plus the chunk's events
 * so far, which is what recomputing it from the event store after each event would give, since
 * states combine like the events they stand for). Each event reports the values it changed, for its
 * {@code ProfileChanged}. Which definitions an event updates follows {@link
 * ComputedTraitDefinition#tracksIncrementally}, read under the chunk's {@link HandOverLocks}.
 */
@Component
class IncrementalUpdate {

    private final ValueRepository values;

    IncrementalUpdate(ValueRepository values) {
        this.values = values;
    }

    /**
     * Applies {@code events} (in chunk order; null for an event that is not a named track event);
     * returns for each the computed traits whose value it changed, with their new values.
     */
    List<Map<String, JsonNode>> apply(ChunkDefinitions definitions, List<TrackedEvent> events, Instant now) {
        List<List<ComputedTraitDefinition>> updated = new ArrayList<>(events.size());
        Map<ValueKey, Slot> slots = new LinkedHashMap<>();
        Map<ComputedTraitDefinition, Set<String>> windowed = new LinkedHashMap<>();
        for (TrackedEvent event : events) {
            List<ComputedTraitDefinition> matching = event == null ? List.of()
                    : definitions.over(event.eventName()).stream().filter(d -> updates(d, event, now)).toList();
            updated.add(matching);
            for (ComputedTraitDefinition definition : matching) {
                slots.computeIfAbsent(keyOf(definition, event), key -> new Slot(definition));
                if (definition.window() != null) {
                    windowed.computeIfAbsent(definition, d -> new LinkedHashSet<>()).add(event.profile().profileId());
                }
            }
        }
        if (slots.isEmpty()) {
            return events.stream().map(e -> Map.<String, JsonNode>of()).toList();
        }
        Map<ValueKey, StoredValue> stored = values.findAll(slots.keySet());
        Map<ValueKey, Computed> windows = windowStates(windowed, events, now);
        slots.forEach((key, slot) -> slot.start(stored.get(key), windows.get(key)));

        List<Map<String, JsonNode>> changes = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            TrackedEvent event = events.get(i);
            Map<String, JsonNode> changed = new TreeMap<>();
            for (ComputedTraitDefinition definition : updated.get(i)) {
                slots.get(keyOf(definition, event)).fold(event).ifPresent(value -> changed.put(definition.key(), value));
            }
            changes.add(changed);
        }
        List<NewValue> written = new ArrayList<>();
        slots.forEach((key, slot) -> slot.written(key).ifPresent(written::add));
        values.upsertAll(written, now);
        return changes;
    }

    /**
     * Whether {@code event} updates {@code definition} incrementally: it tracks the profile, the
     * event passes its filter, and (with a window or a {@code between} range) the event is inside it.
     */
    private static boolean updates(ComputedTraitDefinition definition, TrackedEvent event, Instant now) {
        return definition.tracksIncrementally(event.profile().profileId()) && definition.matches(event.properties())
                && definition.inRange(event.occurredAt())
                && (definition.window() == null || event.occurredAt().isAfter(now.minus(definition.window())));
    }

    /** The states of the windowed traits' stored events inside their windows, the chunk's events left out. */
    private Map<ValueKey, Computed> windowStates(Map<ComputedTraitDefinition, Set<String>> windowed,
                                                 List<TrackedEvent> events, Instant now) {
        if (windowed.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> chunkMessageIds = new HashMap<>();
        events.stream().filter(e -> e != null).forEach(e -> chunkMessageIds
                .computeIfAbsent(e.profile().workspaceId(), w -> new ArrayList<>()).add(e.messageId()));
        List<AggregateQuery> queries = new ArrayList<>();
        windowed.forEach((definition, profileIds) -> queries.add(AggregateQuery.forProfiles(definition, profileIds,
                now.minus(definition.window()), chunkMessageIds.getOrDefault(definition.workspaceId(), List.of()),
                "q" + queries.size() + "_")));
        return values.computeAll(AggregateQuery.union(queries));
    }

    private static ValueKey keyOf(ComputedTraitDefinition definition, TrackedEvent event) {
        return new ValueKey(definition.workspaceId(), event.profile().profileId(), definition.key());
    }

    /** One trait of one profile while the chunk is folded into it. */
    private static final class Slot {

        private final ComputedTraitDefinition definition;
        /** The value as stored before the next event: null when there is no row. */
        private JsonNode value;
        private AggregateState state;
        /** With a window: whether an event inside it counts, and the time of the oldest that does. */
        private boolean counted;
        private Instant oldest;
        private boolean dirty;

        Slot(ComputedTraitDefinition definition) {
            this.definition = definition;
        }

        void start(StoredValue stored, Computed window) {
            value = stored == null ? null : stored.value();
            if (definition.window() == null) {
                state = stored == null ? Aggregations.empty(definition.aggregation())
                        : Aggregations.fromJson(definition.aggregation(), stored.state());
            } else {
                state = window == null ? Aggregations.empty(definition.aggregation())
                        : Aggregations.fromJson(definition.aggregation(), window.state());
                counted = window != null;
                oldest = window == null ? null : window.oldest();
            }
        }

        /** Folds one matching event in; returns the new value when it changed. */
        Optional<JsonNode> fold(TrackedEvent event) {
            Optional<AggregateState> observed = Aggregations.observe(definition.aggregation(),
                    definition.valueIn(event.properties()), event.occurredAt(), event.messageId());
            observed.ifPresent(o -> state = Aggregations.combine(definition.aggregation(), state, o));
            if (definition.window() == null) {
                if (observed.isEmpty()) {
                    return Optional.empty(); // the event does not count: nothing is stored
                }
            } else {
                if (observed.isPresent()) {
                    counted = true;
                    oldest = oldest == null || event.occurredAt().isBefore(oldest) ? event.occurredAt() : oldest;
                }
                if (!counted && value == null) {
                    return Optional.empty(); // nothing inside the window and nothing stored: no value
                }
            }
            JsonNode next = Aggregations.value(definition.aggregation(), state);
            boolean changed = value == null || !JsonValues.same(value, next);
            value = next;
            dirty = true;
            return changed ? Optional.of(next) : Optional.empty();
        }

        Optional<NewValue> written(ValueKey key) {
            if (!dirty) {
                return Optional.empty();
            }
            Instant expiresAt = definition.window() != null && counted ? oldest.plus(definition.window()) : null;
            return Optional.of(new NewValue(key, value, Aggregations.toJson(state), expiresAt));
        }
    }
}
