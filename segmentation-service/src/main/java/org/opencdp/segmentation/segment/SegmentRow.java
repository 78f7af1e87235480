package org.opencdp.segmentation.segment;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** A row of {@code segments}; never leaves the service as it is (see {@link SegmentResponse}). */
record SegmentRow(String id, String name, JsonNode condition, SegmentStatus status, long version, Instant createdAt,
                  Instant updatedAt, long buildProcessed, long buildTotal, BuildPhase buildPhase,
                  JsonNode buildWaiting) {
}
