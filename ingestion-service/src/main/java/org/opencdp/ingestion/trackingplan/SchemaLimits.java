package org.opencdp.ingestion.trackingplan;

import org.opencdp.ingestion.tracking.NulCharacters;
import org.opencdp.kit.problem.InvalidField;
import tools.jackson.databind.JsonNode;

/**
 * What a schema must respect before anything walks it recursively (issue 16): at most {@link
 * #MAX_DEPTH} levels of JSON nesting, since checking a schema against its meta-schema recurses per
 * level and 420 levels overflowed a request thread's stack (the request parser allows 500); and no
 * U+0000 in any name or string, which PostgreSQL cannot store in the plan's {@code jsonb}.
 */
final class SchemaLimits {

    /** The deepest JSON nesting of a schema, counting the schema itself as level 1. */
    static final int MAX_DEPTH = 64;

    /** What is wrong with {@code schema}, which sits at {@code path} in the request, or null. */
    static InvalidField problem(JsonNode schema, String path) {
        String tooDeep = firstBeyond(schema, path, 1);
        if (tooDeep != null) {
            return new InvalidField(tooDeep, "A schema may nest at most " + MAX_DEPTH + " levels deep.");
        }
        String nul = NulCharacters.pathOf(schema);
        return nul == null ? null : new InvalidField(path + nul,
                "A schema may not contain the character U+0000, which cannot be stored.");
    }

    /** The pointer of the first value of {@code node} deeper than {@link #MAX_DEPTH}, else null. */
    private static String firstBeyond(JsonNode node, String path, int depth) {
        if (!node.isContainer()) {
            return null;
        }
        if (depth > MAX_DEPTH) {
            return path;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = firstBeyond(node.get(i), path + "/" + i, depth + 1);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        for (var member : node.properties()) {
            String found = firstBeyond(member.getValue(), path + InvalidField.pointerTo(member.getKey()), depth + 1);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private SchemaLimits() {
    }
}
