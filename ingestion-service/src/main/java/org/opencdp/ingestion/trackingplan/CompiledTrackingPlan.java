package org.opencdp.ingestion.trackingplan;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.ValidationLimitExceededException;
import com.networknt.schema.ValidationLimitExceededException.LimitKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opencdp.contracts.EventRejected.Reason;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.opencdp.ingestion.trackingplan.TrackingPlan.Mode;
import tools.jackson.databind.JsonNode;

/**
 * A tracking plan with its schemas compiled, ready to check events. Immutable and thread-safe.
 * A track event is checked by its name: {@code properties} against the event's schema (absent
 * properties count as {@code {}}); an identify or group call's {@code traits} against the plan's
 * {@code identify} or {@code group} schema, when the plan has one. Page, screen and alias calls
 * always pass.
 */
public final class CompiledTrackingPlan {

    static final String UNPLANNED = "unplanned_event";
    static final String SCHEMA_VIOLATION = "schema_violation";
    static final String EVALUATION_LIMIT = "schema_evaluation_limit";
    /** The most schema errors reported for one event. */
    static final int MAX_ERRORS = 20;
    /** Bounds the work one event can cost, whatever the schema. */
    static final long MAX_EVALUATION_STEPS = 200_000;
    /**
     * Bounds how deep checking one event may nest schema evaluations, whatever the schema, so that a
     * schema recursing without end (a reference cycle {@link ReferenceCycles} could not see) ends in
     * {@link #EVALUATION_LIMIT}, never in a stack overflow and a 500 (issue 16). An event nests at most
     * 64 levels and a schema takes one evaluation per level it nests, one more per {@code $ref}: a
     * recursive schema checking 62 levels took 125. 1,000 nested evaluations needed 512 to 768 KB of
     * stack (measured), so 256 stay far within a request thread's 1 MB.
     */
    static final int MAX_EVALUATION_DEPTH = 256;

    private static final JsonNode EMPTY = MessageCodec.mapper().createObjectNode();

    private final Map<String, Schema> events;
    private final Schema identify;
    private final Schema group;
    private final Mode unplannedEvents;
    private final Mode invalidEvents;
    private final long maxEvaluationSteps;

    CompiledTrackingPlan(Map<String, Schema> events, Schema identify, Schema group, Mode unplannedEvents,
                         Mode invalidEvents, long maxEvaluationSteps) {
        this.events = Map.copyOf(events);
        this.identify = identify;
        this.group = group;
        this.unplannedEvents = unplannedEvents;
        this.invalidEvents = invalidEvents;
        this.maxEvaluationSteps = maxEvaluationSteps;
    }

    /** The event's violation of the plan, if it has one. */
    public Optional<Violation> check(SegmentEvent event) {
        return switch (event.type()) {
            case track -> checkTrack(event);
            case identify -> checkTraits(event, identify, "/traits");
            case group -> checkTraits(event, group, "/traits");
            case page, screen, alias -> Optional.empty();
        };
    }

    private Optional<Violation> checkTrack(SegmentEvent event) {
        Schema schema = events.get(event.event());
        if (schema == null) {
            return Optional.of(new Violation(EventType.track, event.event(), false, unplannedEvents == Mode.block,
                    event.messageId(), List.of(new Reason(UNPLANNED, "'" + event.event()
                            + "' is not in the source's tracking plan.", "/event"))));
        }
        return validate(schema, event.properties(), "/properties")
                .map(reasons -> new Violation(EventType.track, event.event(), true, invalidEvents == Mode.block,
                        event.messageId(), reasons));
    }

    private Optional<Violation> checkTraits(SegmentEvent event, Schema schema, String at) {
        if (schema == null) {
            return Optional.empty();
        }
        return validate(schema, event.traits(), at)
                .map(reasons -> new Violation(event.type(), "", true, invalidEvents == Mode.block,
                        event.messageId(), reasons));
    }

    /** The schema errors of {@code value}, as reasons with JSON pointers into the event; empty when valid. */
    private Optional<List<Reason>> validate(Schema schema, JsonNode value, String at) {
        List<Error> errors;
        try {
            errors = schema.validate(value == null ? EMPTY : value, context -> context.executionConfig(config ->
                    config.maxEvaluationSteps(maxEvaluationSteps).maxEvaluationDepth(MAX_EVALUATION_DEPTH)));
        } catch (ValidationLimitExceededException e) {
            return Optional.of(List.of(new Reason(EVALUATION_LIMIT, e.getLimitKind() == LimitKind.EVALUATION_DEPTH
                    ? "The event's schema nests too deeply to check it." : "The event is too costly to check against "
                    + "its schema.", at)));
        }
        if (errors.isEmpty()) {
            return Optional.empty();
        }
        List<Reason> reasons = new ArrayList<>();
        for (Error error : errors.subList(0, Math.min(MAX_ERRORS, errors.size()))) {
            String path = at + error.getInstanceLocation().toString();
            reasons.add(new Reason(SCHEMA_VIOLATION, path + ": " + error.getMessage(), path));
        }
        return Optional.of(reasons);
    }
}
