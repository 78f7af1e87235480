package org.opencdp.ingestion.trackingplan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencdp.kit.problem.InvalidField;
import tools.jackson.databind.JsonNode;

/**
 * Finds the regular expressions of a JSON Schema (each {@code pattern} keyword and each {@code
 * patternProperties} name, in the schema and every subschema of every dialect the plans accept) and
 * reports those the linear-time engine cannot compile, each with a JSON pointer to it. Only keyword
 * positions are walked: a property that happens to be called {@code pattern} is not a pattern.
 */
final class SchemaPatterns {

    /** Keywords whose value is one subschema. */
    private static final Set<String> SCHEMA = Set.of("additionalProperties", "additionalItems", "items", "contains",
            "propertyNames", "not", "if", "then", "else", "unevaluatedItems", "unevaluatedProperties",
            "contentSchema");
    /** Keywords whose value is an array of subschemas ({@code items} too, before draft 2020-12). */
    private static final Set<String> SCHEMA_ARRAY = Set.of("allOf", "anyOf", "oneOf", "prefixItems", "items");
    /** Keywords whose value maps names to subschemas ({@code dependencies} may also map to arrays of names). */
    private static final Set<String> SCHEMA_MAP = Set.of("properties", "patternProperties", "$defs", "definitions",
            "dependentSchemas", "dependencies");

    /** The unusable patterns of {@code schema}, which sits at {@code path} in the request. */
    static List<InvalidField> problems(JsonNode schema, String path) {
        List<InvalidField> problems = new ArrayList<>();
        walk(schema, path, problems, 0);
        return problems;
    }

    private static void walk(JsonNode schema, String path, List<InvalidField> problems, int depth) {
        if (schema == null || !schema.isObject() || depth > 100) { // deeper nesting is refused by the JSON parser
            return;
        }
        for (Map.Entry<String, JsonNode> member : schema.properties()) {
            String keyword = member.getKey();
            JsonNode value = member.getValue();
            String at = path + InvalidField.pointerTo(keyword);
            if (keyword.equals("pattern") && value.isString()) {
                check(value.asString(), at, problems);
            }
            if (keyword.equals("patternProperties") && value.isObject()) {
                for (String name : value.propertyNames()) {
                    check(name, at + InvalidField.pointerTo(name), problems);
                }
            }
            if (SCHEMA.contains(keyword)) {
                walk(value, at, problems, depth + 1);
            }
            if (SCHEMA_ARRAY.contains(keyword) && value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    walk(value.get(i), at + "/" + i, problems, depth + 1);
                }
            }
            if (SCHEMA_MAP.contains(keyword) && value.isObject()) {
                for (Map.Entry<String, JsonNode> entry : value.properties()) {
                    walk(entry.getValue(), at + InvalidField.pointerTo(entry.getKey()), problems, depth + 1);
                }
            }
        }
    }

    private static void check(String regex, String at, List<InvalidField> problems) {
        String problem = LinearTimePatterns.problemOf(regex);
        if (problem != null) {
            problems.add(new InvalidField(at, problem));
        }
    }

    private SchemaPatterns() {
    }
}
