package org.opencdp.ingestion.trackingplan;

import java.util.LinkedHashMap;
import java.util.Map;
import org.opencdp.contracts.MessageCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A source's tracking plan as stored: a JSON Schema of the {@code properties} of each planned
 * track event (by event name), optional JSON Schemas of the {@code traits} of identify and group
 * calls, and what to do with track events not in the plan and with events that break their schema.
 * Page, screen and alias calls are not planned.
 */
record TrackingPlan(Map<String, JsonNode> events, JsonNode identify, JsonNode group, Mode unplannedEvents,
                    Mode invalidEvents) {

    /** What happens to an unplanned or invalid event. */
    enum Mode {
        /** Accepted; a violation is recorded. */
        allow,
        /** Refused: published on the rejected topic with the reasons; a violation is recorded. */
        block
    }

    TrackingPlan {
        events = events == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(events));
    }

    /** The stored JSON form, which is also the API's (without the source id and times). */
    ObjectNode toJson() {
        ObjectNode json = MessageCodec.mapper().createObjectNode();
        ObjectNode schemas = json.putObject("events");
        events.forEach(schemas::set);
        json.set("identify", identify);
        json.set("group", group);
        json.put("unplannedEvents", unplannedEvents.name());
        json.put("invalidEvents", invalidEvents.name());
        return json;
    }

    static TrackingPlan fromJson(JsonNode json) {
        Map<String, JsonNode> events = new LinkedHashMap<>();
        json.path("events").properties().forEach(entry -> events.put(entry.getKey(), entry.getValue()));
        return new TrackingPlan(events, present(json.get("identify")), present(json.get("group")),
                Mode.valueOf(json.path("unplannedEvents").asString("allow")),
                Mode.valueOf(json.path("invalidEvents").asString("allow")));
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }
}
