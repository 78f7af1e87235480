package org.opencdp.segmentation.segment;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A segment as the API shows it; {@code size} is its current number of members, {@code progress} how
 * far its running (or last) build got: profiles evaluated of those known when it started.
 */
record SegmentResponse(String id, String name, JsonNode condition, SegmentStatus status, long size,
                       Progress progress, Instant createdAt, Instant updatedAt) {

    /** Profiles a build evaluated, of {@code total} known when it started (it may pass total: profiles arrive). */
    record Progress(long processed, long total) {
    }

    /** Body of {@code GET /v1/segments}. */
    record Page(List<SegmentResponse> items) {
    }
}
