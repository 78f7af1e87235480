package org.opencdp.segmentation.segment;

import java.util.Collection;
import java.util.Objects;
import org.opencdp.segmentation.condition.Condition;
import org.opencdp.segmentation.condition.Reads;

/**
 * A segment as evaluation needs it.
 *
 * @param id the segment's id
 * @param version the definition's version (+1 whenever the condition changes)
 * @param building whether its build is still running (real-time evaluation then covers every change)
 * @param condition the parsed condition
 * @param reads the traits, computed traits and segments the condition reads
 */
public record SegmentDefinition(String id, long version, boolean building, Condition condition, Reads reads) {

    public SegmentDefinition {
        Objects.requireNonNull(reads, "reads");
    }

    /** Whether a change of these traits, computed traits or memberships can change this segment's result. */
    public boolean reads(Collection<String> changedTraits, Collection<String> changedComputed,
                         Collection<String> changedSegments) {
        return reads.any(changedTraits, changedComputed, changedSegments);
    }
}
