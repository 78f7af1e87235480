package org.opencdp.segmentation.segment;

/** A segment is {@code building} until every known profile has been evaluated against its condition. */
enum SegmentStatus {
    building, ready
}
