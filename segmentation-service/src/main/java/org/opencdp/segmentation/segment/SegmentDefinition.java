package org.opencdp.segmentation.segment;

import org.opencdp.segmentation.condition.Condition;

/** A segment's id and parsed condition: what real-time evaluation needs. */
public record SegmentDefinition(String id, Condition condition) {
}
