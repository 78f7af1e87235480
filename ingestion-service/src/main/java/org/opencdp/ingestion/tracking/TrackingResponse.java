package org.opencdp.ingestion.tracking;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The answer to a Tracking API call: {@code {"success": true}}, and the events that were refused by
 * their index in the call (0 for a single call): in a batch those that break the Segment spec, and
 * in any call those the source's tracking plan blocks. Suppressed events are never listed.
 */
record TrackingResponse(boolean success, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Rejected> rejected) {

    static final TrackingResponse OK = new TrackingResponse(true, List.of());

    /** One refused event of a batch: its index, the first reason's code and every reason's message. */
    record Rejected(int index, String code, String message) {
    }
}
