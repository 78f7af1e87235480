package org.opencdp.ingestion.trackingplan;

import jakarta.validation.constraints.Pattern;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** The request and response bodies of the tracking-plan and violations API. */
final class TrackingPlanApi {

    private static final String MODE = "allow|block";
    private static final String MODE_MESSAGE = "must be 'allow' or 'block'";

    /**
     * A tracking plan: {@code events} maps each planned track event's name to a JSON Schema of its
     * {@code properties}; {@code identify} and {@code group} are optional JSON Schemas of those calls'
     * {@code traits}; the modes default to {@code allow}.
     */
    record TrackingPlanRequest(
            Map<String, JsonNode> events,
            JsonNode identify,
            JsonNode group,
            @Pattern(regexp = MODE, message = MODE_MESSAGE) String unplannedEvents,
            @Pattern(regexp = MODE, message = MODE_MESSAGE) String invalidEvents) {

        TrackingPlan toPlan() {
            return new TrackingPlan(events, present(identify), present(group), mode(unplannedEvents),
                    mode(invalidEvents));
        }

        private static TrackingPlan.Mode mode(String value) {
            return value == null ? TrackingPlan.Mode.allow : TrackingPlan.Mode.valueOf(value);
        }

        private static JsonNode present(JsonNode node) {
            return node == null || node.isNull() ? null : node;
        }
    }

    record TrackingPlanResponse(String sourceId, Map<String, JsonNode> events, JsonNode identify, JsonNode group,
                                String unplannedEvents, String invalidEvents, Instant createdAt,
                                Instant updatedAt) {
        static TrackingPlanResponse of(String sourceId, TrackingPlanRepository.StoredPlan stored) {
            TrackingPlan plan = stored.plan();
            return new TrackingPlanResponse(sourceId, plan.events(), plan.identify(), plan.group(),
                    plan.unplannedEvents().name(), plan.invalidEvents().name(), stored.createdAt(),
                    stored.updatedAt());
        }
    }

    /**
     * The violations of one event of a source: {@code type} is {@code track} (with the event's name
     * in {@code event}) or {@code identify} / {@code group} (their trait schemas; {@code event} null).
     * {@code samples} are the latest few, newest first.
     */
    record ViolationResponse(String type, String event, long violations, long blocked, Instant firstSeenAt,
                             Instant lastSeenAt, JsonNode samples) {
        static ViolationResponse of(ViolationRepository.Row row) {
            return new ViolationResponse(row.type(), row.eventName().isEmpty() ? null : row.eventName(),
                    row.violations(), row.blocked(), row.firstSeenAt(), row.lastSeenAt(), row.samples());
        }
    }

    record ViolationListResponse(String sourceId, long violations, long blocked, List<ViolationResponse> items) {
    }

    private TrackingPlanApi() {
    }
}
