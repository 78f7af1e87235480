package org.opencdp.ingestion.trackingplan;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.ValidationLimitExceededException;
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
            errors = schema.validate(value == null ? EMPTY : value,
                    context -> context.executionConfig(config -> config.maxEvaluationSteps(maxEvaluationSteps)));
        } catch (ValidationLimitExceededException e) {
            return Optional.of(List.of(new Reason(EVALUATION_LIMIT,
                    "The event is too costly to check against its schema.", at)));
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
