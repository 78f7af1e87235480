package org.opencdp.segmentation.condition;

import java.util.Objects;

/**
 * True when the profile is a member of another segment of the same workspace, now. JSON:
 * {@code {"segment": "<segment id>"}}. The reference must name an existing segment and may not close
 * a cycle; the Segments API checks both when a condition is stored.
 */
public record SegmentCondition(String segmentId) implements Condition {

    public SegmentCondition {
        Objects.requireNonNull(segmentId, "segmentId");
    }
}
