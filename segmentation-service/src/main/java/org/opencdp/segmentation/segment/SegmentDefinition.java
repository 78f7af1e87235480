package org.opencdp.segmentation.segment;

import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import org.opencdp.segmentation.condition.Condition;

/**
 * A segment as real-time evaluation needs it.
 *
 * @param id the segment's id
 * @param version the definition's version (+1 whenever the condition changes)
 * @param building whether its build is still running (real-time evaluation then covers every change)
 * @param condition the parsed condition
 * @param traits the names of the traits the condition reads
 */
public record SegmentDefinition(String id, long version, boolean building, Condition condition, Set<String> traits) {

    public SegmentDefinition {
        traits = Set.copyOf(traits);
    }

    /** Whether a change of {@code changedTraits} can change this segment's result. */
    public boolean reads(Collection<String> changedTraits) {
        return !Collections.disjoint(traits, changedTraits);
    }
}
