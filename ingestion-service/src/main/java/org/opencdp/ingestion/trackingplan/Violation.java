package org.opencdp.ingestion.trackingplan;

import java.util.List;
import org.opencdp.contracts.EventRejected.Reason;
import org.opencdp.contracts.SegmentEvent.EventType;

/**
 * One event that did not follow its source's tracking plan: unplanned (a track event the plan does
 * not name) or invalid (it breaks its schema), and whether the plan blocks it.
 *
 * @param type the call type: {@code track}, or {@code identify} / {@code group} for their trait schemas
 * @param eventName the track event's name; {@code ""} for identify and group
 * @param planned whether the plan names the event (false: an unplanned track event)
 * @param blocked whether the event is refused (true) or accepted with the violation recorded
 * @param messageId the event's {@code messageId}, to find it again
 * @param reasons {@code unplanned_event}, or one {@code schema_violation} per schema error
 */
public record Violation(EventType type, String eventName, boolean planned, boolean blocked, String messageId,
                        List<Reason> reasons) {

    public Violation {
        reasons = List.copyOf(reasons);
    }

    /** Every reason's message in one line. */
    public String message() {
        return String.join("; ", reasons.stream().map(Reason::message).toList());
    }

    /** The first reason's code. */
    public String code() {
        return reasons.getFirst().code();
    }
}
