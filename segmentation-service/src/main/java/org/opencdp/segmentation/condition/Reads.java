package org.opencdp.segmentation.condition;

import java.util.Collection;
import java.util.Collections;
import java.util.Set;

/**
 * What a condition reads: the top-level traits, the computed traits and the segments (memberships)
 * its result depends on. A change that touches none of them cannot change the result.
 */
public record Reads(Set<String> traits, Set<String> computedTraits, Set<String> segments) {

    public static final Reads NOTHING = new Reads(Set.of(), Set.of(), Set.of());

    public Reads {
        traits = Set.copyOf(traits);
        computedTraits = Set.copyOf(computedTraits);
        segments = Set.copyOf(segments);
    }

    /** Whether a change of these traits, computed traits or memberships can change the result. */
    public boolean any(Collection<String> changedTraits, Collection<String> changedComputed,
                       Collection<String> changedSegments) {
        return !Collections.disjoint(traits, changedTraits) || !Collections.disjoint(computedTraits, changedComputed)
                || !Collections.disjoint(segments, changedSegments);
    }
}
