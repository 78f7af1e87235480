package org.opencdp.segmentation.segment;

import java.time.Instant;
import java.util.List;

/** Body of {@code GET /v1/profiles/{id}/segments}: the segments the profile belongs to now. */
record ProfileSegmentsResponse(String profileId, List<Segment> segments) {

    record Segment(String segmentId, String name, Instant since) {
    }
}
