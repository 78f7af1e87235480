package org.opencdp.ingestion.tracking;

import java.util.Optional;
import org.opencdp.contracts.EventRejected.Reason;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.ingestion.sources.AuthenticatedSource;
import org.opencdp.ingestion.suppression.SuppressionIndex;
import org.opencdp.ingestion.trackingplan.CompiledTrackingPlan;
import org.opencdp.ingestion.trackingplan.TrackingPlans;
import org.opencdp.ingestion.trackingplan.Violation;
import org.springframework.stereotype.Component;

/**
 * The door checks an event passes after it follows the Segment spec: first suppression (an event
 * of a person who asked not to be tracked is dropped), then the source's tracking plan (an
 * unplanned or invalid event is accepted with a violation, or blocked, as the plan says).
 */
@Component
class EventAdmission {

    private final SuppressionIndex suppressions;
    private final TrackingPlans plans;

    EventAdmission(SuppressionIndex suppressions, TrackingPlans plans) {
        this.suppressions = suppressions;
        this.plans = plans;
    }

    /** The outcome for one event. */
    sealed interface Verdict {
        /** Accepted; {@code violation} is null when the event follows the plan (or there is none). */
        record Accept(SegmentEvent event, Violation violation) implements Verdict {
        }

        /** Dropped: one of its identifiers is suppressed. */
        record Suppressed(SegmentEvent event, Reason reason) implements Verdict {
        }

        /** Refused by the tracking plan. */
        record Blocked(SegmentEvent event, Violation violation) implements Verdict {
        }
    }

    /**
     * The checks for one call's events: the source's plan and the workspace's suppression check
     * (with its identifier rules) are looked up once per call.
     */
    Gate gate(AuthenticatedSource source) {
        return new Gate(suppressions.forCall(source.workspaceId()), plans.of(source).orElse(null));
    }

    static final class Gate {
        private final SuppressionIndex.Check suppressions;
        private final CompiledTrackingPlan plan;

        private Gate(SuppressionIndex.Check suppressions, CompiledTrackingPlan plan) {
            this.suppressions = suppressions;
            this.plan = plan;
        }

        Verdict admit(SegmentEvent event) {
            Optional<Reason> suppressed = suppressions.check(event);
            if (suppressed.isPresent()) {
                return new Verdict.Suppressed(event, suppressed.get());
            }
            Violation violation = plan == null ? null : plan.check(event).orElse(null);
            if (violation != null && violation.blocked()) {
                return new Verdict.Blocked(event, violation);
            }
            return new Verdict.Accept(event, violation);
        }
    }
}
