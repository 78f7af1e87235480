package org.opencdp.ingestion.tracking;

import java.util.List;
import org.opencdp.contracts.EventRejected;
import org.opencdp.contracts.SegmentEvent;

/**
 * The outcome of checking one event against the Segment spec: accepted as a {@link SegmentEvent},
 * or the reasons why not.
 */
sealed interface EventCheck {

    record Valid(SegmentEvent event) implements EventCheck {
    }

    record Invalid(List<EventRejected.Reason> reasons) implements EventCheck {

        public Invalid {
            reasons = List.copyOf(reasons);
        }

        /** The first reason's code: the one a caller sees first. */
        String code() {
            return reasons.getFirst().code();
        }

        /** Every reason's message, in one line. */
        String message() {
            return String.join("; ", reasons.stream().map(EventRejected.Reason::message).toList());
        }
    }
}
