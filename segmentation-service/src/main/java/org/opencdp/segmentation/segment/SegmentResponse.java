package org.opencdp.segmentation.segment;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A segment as the API shows it; {@code size} is its current number of members. */
record SegmentResponse(String id, String name, JsonNode condition, SegmentStatus status, long size,
                       Instant createdAt, Instant updatedAt) {

    /** Body of {@code GET /v1/segments}. */
    record Page(List<SegmentResponse> items) {
    }
}
