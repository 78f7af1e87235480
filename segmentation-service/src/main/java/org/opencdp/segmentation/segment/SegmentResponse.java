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

    /**
     * Profiles a build evaluated, of {@code total} known when it started (it may pass total: profiles
     * arrive); {@code phase} {@code waiting_for_event_traits} (then {@code eventTraits} lists the hidden
     * computed traits profile-service is still computing: {@code key, status, processed, total}, or the
     * reason profile-service could not be asked) or {@code evaluating}.
     */
    record Progress(long processed, long total, BuildPhase phase, JsonNode eventTraits) {
    }

    /** Body of {@code GET /v1/segments}. */
    record Page(List<SegmentResponse> items) {
    }
}
