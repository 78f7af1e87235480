package org.opencdp.profile.traits;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.contracts.SegmentEvent;
import tools.jackson.databind.JsonNode;

/**
 * The person traits an event carries: the {@code traits} of an identify call and the {@code
 * context.traits} of any call. Only top-level keys are traits; a nested object is a value. Within one
 * event, an identify's own {@code traits} win over its {@code context.traits} for the same key.
 *
 * <p>A group call's {@code traits} describe the account (the group), not the person, so they are not
 * applied to the profile. Account traits are not stored yet: the group event itself is kept whole in
 * the event store, so an accounts feature can rebuild them from there.
 */
public final class TraitExtractor {

    /** Longest trait key accepted (the key is part of a B-tree primary key). */
    public static final int MAX_KEY_LENGTH = 255;

    public static List<TraitObservation> observationsOf(SegmentEvent event, Instant observedAt, String sourceId) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        if (event.context() != null) {
            putAll(values, event.context().get("traits"));
        }
        if (event.type() == SegmentEvent.EventType.identify) {
            putAll(values, event.traits());
        }
        List<TraitObservation> observations = new ArrayList<>(values.size());
        values.forEach((key, value) -> observations.add(
                new TraitObservation(key, value, observedAt, event.messageId(), sourceId)));
        return observations;
    }

    private static void putAll(Map<String, JsonNode> values, JsonNode traits) {
        if (traits == null || !traits.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> trait : traits.properties()) {
            if (trait.getKey().length() > MAX_KEY_LENGTH) {
                throw new IllegalArgumentException("Trait key longer than " + MAX_KEY_LENGTH + " characters: '"
                        + trait.getKey().substring(0, 40) + "…'");
            }
            values.put(trait.getKey(), trait.getValue());
        }
    }

    private TraitExtractor() {
    }
}
