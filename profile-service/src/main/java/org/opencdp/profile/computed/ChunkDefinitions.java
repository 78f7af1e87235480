package org.opencdp.profile.computed;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The live computed-trait definitions over the track events of one chunk, read once for the chunk
 * under its hand-over locks ({@link HandOverLocks}), so their status and backfill cursor stay what
 * they were read as until the chunk's transaction ends. Obtained from {@link
 * ComputedTraitService#definitionsFor}.
 */
public final class ChunkDefinitions {

    static final ChunkDefinitions NONE = new ChunkDefinitions(List.of());

    private final Map<EventName, List<ComputedTraitDefinition>> byEvent;

    ChunkDefinitions(List<ComputedTraitDefinition> definitions) {
        this.byEvent = definitions.stream().collect(Collectors.groupingBy(
                d -> new EventName(d.workspaceId(), d.event()), Collectors.toUnmodifiableList()));
    }

    /** The definitions over one event name, by key. */
    List<ComputedTraitDefinition> over(EventName event) {
        return byEvent.getOrDefault(event, List.of());
    }

    /** Whether no definition is over any event of the chunk. */
    public boolean isEmpty() {
        return byEvent.isEmpty();
    }
}
