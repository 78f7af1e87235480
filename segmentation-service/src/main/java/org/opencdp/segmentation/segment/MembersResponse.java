package org.opencdp.segmentation.segment;

import java.time.Instant;
import java.util.List;

/** A page of {@code GET /v1/segments/{id}/members}; {@code nextCursor} is null on the last page. */
record MembersResponse(List<Member> items, String nextCursor) {

    /** A member and since when it has been one. */
    record Member(String profileId, Instant since) {
    }
}
