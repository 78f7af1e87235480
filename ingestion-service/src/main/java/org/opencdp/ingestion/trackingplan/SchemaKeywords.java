package org.opencdp.ingestion.trackingplan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.opencdp.kit.problem.InvalidField;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Walks the subschemas of a JSON Schema (the schema and every subschema of every dialect the plans
 * accept, by keyword position: a property that happens to be called {@code pattern} is not a
 * pattern) and checks the keyword values its meta-schema cannot, or cannot safely, each reported with
 * a JSON pointer to it:
 * <ul>
 *   <li>each {@code pattern} and {@code patternProperties} name must compile on the linear-time engine,
 *       within its length limit ({@link LinearTimePatterns});</li>
 *   <li>a count ({@code minItems}, {@code maxLength}, ...) must fit a {@code long}: the meta-schema check
 *       reads it with Jackson's {@code asLong()}, which throws for {@code 1e300} (issue 16).</li>
 * </ul>
 */
final class SchemaKeywords {

    /** Keywords whose value is one subschema. */
    static final Set<String> SCHEMA = Set.of("additionalProperties", "additionalItems", "items", "contains",
            "propertyNames", "not", "if", "then", "else", "unevaluatedItems", "unevaluatedProperties",
            "contentSchema");
    /** Keywords whose value is an array of subschemas ({@code items} too, before draft 2020-12). */
    static final Set<String> SCHEMA_ARRAY = Set.of("allOf", "anyOf", "oneOf", "prefixItems", "items");
    /** Keywords whose value maps names to subschemas ({@code dependencies} may also map to arrays of names). */
    static final Set<String> SCHEMA_MAP = Set.of("properties", "patternProperties", "$defs", "definitions",
            "dependentSchemas", "dependencies");
    /** Keywords whose value is a non-negative integer. */
    private static final Set<String> COUNTS = Set.of("minLength", "maxLength", "minItems", "maxItems",
            "minProperties", "maxProperties", "minContains", "maxContains");

    /** The keyword values of {@code schema}, which sits at {@code path} in the request, that cannot be used. */
    static List<InvalidField> problems(JsonNode schema, String path) {
        List<InvalidField> problems = new ArrayList<>();
        forEachSubschema(schema, (at, subschema) -> {
            for (Map.Entry<String, JsonNode> member : subschema.properties()) {
                String keyword = member.getKey();
                JsonNode value = member.getValue();
                String pointer = path + at + InvalidField.pointerTo(keyword);
                if (keyword.equals("pattern") && value.isString()) {
                    checkPattern(value.asString(), pointer, problems);
                }
                if (keyword.equals("patternProperties") && value.isObject()) {
                    for (String name : value.propertyNames()) {
                        checkPattern(name, pointer + InvalidField.pointerTo(name), problems);
                    }
                }
                if (COUNTS.contains(keyword) && value.isNumber() && !value.canConvertToLong()) {
                    problems.add(new InvalidField(pointer, "'" + keyword + "' must be a whole number from 0 to "
                            + Long.MAX_VALUE + "."));
                }
            }
        });
        return problems;
    }

    /**
     * Calls {@code visitor} with {@code schema} (at {@code ""}) and each of its subschemas that is an
     * object, with its JSON pointer relative to {@code schema}, parents before their subschemas.
     */
    static void forEachSubschema(JsonNode schema, BiConsumer<String, ObjectNode> visitor) {
        walk(schema, "", visitor, 0);
    }

    private static void walk(JsonNode schema, String at, BiConsumer<String, ObjectNode> visitor, int depth) {
        if (!(schema instanceof ObjectNode object) || depth > SchemaLimits.MAX_DEPTH) { // deeper is refused first
            return;
        }
        visitor.accept(at, object);
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            String keyword = member.getKey();
            JsonNode value = member.getValue();
            String here = at + InvalidField.pointerTo(keyword);
            if (SCHEMA.contains(keyword)) {
                walk(value, here, visitor, depth + 1);
            }
            if (SCHEMA_ARRAY.contains(keyword) && value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    walk(value.get(i), here + "/" + i, visitor, depth + 1);
                }
            }
            if (SCHEMA_MAP.contains(keyword) && value.isObject()) {
                for (Map.Entry<String, JsonNode> entry : value.properties()) {
                    walk(entry.getValue(), here + InvalidField.pointerTo(entry.getKey()), visitor, depth + 1);
                }
            }
        }
    }

    private static void checkPattern(String regex, String at, List<InvalidField> problems) {
        String problem = LinearTimePatterns.problemOf(regex);
        if (problem != null) {
            problems.add(new InvalidField(at, problem));
        }
    }

    private SchemaKeywords() {
    }
}
