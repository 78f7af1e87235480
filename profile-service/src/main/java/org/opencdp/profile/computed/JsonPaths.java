package org.opencdp.profile.computed;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Property paths: {@code total}, or {@code product.price} for a nested property. */
final class JsonPaths {

    static final int MAX_SEGMENTS = 8;
    static final int MAX_LENGTH = 255;

    /** The segments of a dotted path; empty when it is not one (blank, too long, an empty segment). */
    static Optional<List<String>> parse(String property) {
        if (property == null || property.isBlank() || property.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        List<String> segments = new ArrayList<>();
        for (String segment : property.split("\\.", -1)) {
            if (segment.isEmpty()) {
                return Optional.empty();
            }
            segments.add(segment);
        }
        return segments.size() > MAX_SEGMENTS ? Optional.empty() : Optional.of(List.copyOf(segments));
    }

    /** The value at {@code path} inside {@code root}; null when absent (not a JSON null). */
    static JsonNode at(JsonNode root, List<String> path) {
        JsonNode current = root;
        for (String segment : path) {
            if (current == null || !current.isObject()) {
                return null;
            }
            current = current.get(segment);
        }
        return current;
    }

    private JsonPaths() {
    }
}
