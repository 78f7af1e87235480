package org.opencdp.ingestion.trackingplan;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencdp.kit.problem.InvalidField;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Finds the references of a schema that lead back to where they are without checking a deeper
 * value ({@code {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}}):
 * checking any event against such a schema recurses without end (issue 16). A reference that goes
 * through a keyword checking a part of the value ({@code properties}, {@code items}, ...) is a
 * recursive schema, such as a tree of categories, and is fine: it ends with the event's nesting,
 * which the Tracking API's parser bounds.
 *
 * <p>Follows the references within the schema: {@code $ref}, {@code $dynamicRef} and {@code
 * $recursiveRef} to {@code #} and JSON pointers, and to {@code $anchor}s and {@code $dynamicAnchor}s.
 * What it cannot follow (a reference between schemas by {@code $id}) is bounded when events are
 * checked ({@link CompiledTrackingPlan#MAX_EVALUATION_DEPTH}).
 */
final class ReferenceCycles {

    private static final List<String> REFERENCES = List.of("$ref", "$dynamicRef", "$recursiveRef");
    /** Keywords whose subschema applies to the same value as the schema that holds them. */
    private static final Set<String> IN_PLACE = Set.of("not", "if", "then", "else");
    private static final Set<String> IN_PLACE_ARRAY = Set.of("allOf", "anyOf", "oneOf");
    private static final Set<String> IN_PLACE_MAP = Set.of("dependentSchemas", "dependencies");

    /** One step from a subschema to another that checks the same value: {@code reference} is the keyword's pointer, or null. */
    private record Step(String target, String reference) {
    }

    /** The references of {@code schema} (at {@code path} in the request) that close a cycle, each with its pointer. */
    static List<InvalidField> problems(JsonNode schema, String path) {
        Map<String, ObjectNode> subschemas = new LinkedHashMap<>();
        Map<String, String> anchors = new HashMap<>();
        SchemaKeywords.forEachSubschema(schema, (at, subschema) -> {
            subschemas.put(at, subschema);
            for (String anchor : List.of("$anchor", "$dynamicAnchor")) {
                if (subschema.get(anchor) instanceof JsonNode name && name.isString()) {
                    anchors.putIfAbsent(name.asString(), at);
                }
            }
        });
        Map<String, List<Step>> steps = new HashMap<>();
        subschemas.forEach((at, subschema) -> steps.put(at, steps(at, subschema, subschemas, anchors)));
        List<InvalidField> problems = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (String start : subschemas.keySet()) {
            findCycle(start, steps, done, path, problems);
        }
        return problems;
    }

    /** Depth-first, without recursion (a chain of references may be long): reports each step that closes a cycle. */
    private static void findCycle(String start, Map<String, List<Step>> steps, Set<String> done, String path,
                                  List<InvalidField> problems) {
        if (done.contains(start)) {
            return;
        }
        Set<String> onPath = new HashSet<>();
        Deque<String> route = new ArrayDeque<>();
        Deque<Integer> next = new ArrayDeque<>();
        route.push(start);
        next.push(0);
        onPath.add(start);
        while (!route.isEmpty()) {
            String at = route.peek();
            List<Step> out = steps.get(at);
            int index = next.pop();
            if (index == out.size()) {
                route.pop();
                onPath.remove(at);
                done.add(at);
                continue;
            }
            next.push(index + 1);
            Step step = out.get(index);
            if (onPath.contains(step.target())) {
                // a cycle holds at least one reference, since subschemas alone form a tree
                String reference = step.reference() != null ? step.reference() : lastReference(route, steps);
                problems.add(new InvalidField(path + reference, "This reference leads back to '#"
                        + step.target() + "' without checking a deeper value, so checking an event would never end."));
            } else if (!done.contains(step.target())) {
                route.push(step.target());
                next.push(0);
                onPath.add(step.target());
            }
        }
    }

    /** The pointer of the last reference taken on {@code route} (top first). */
    private static String lastReference(Deque<String> route, Map<String, List<Step>> steps) {
        String later = null;
        for (String at : route) {
            if (later != null) {
                for (Step step : steps.get(at)) {
                    if (step.target().equals(later) && step.reference() != null) {
                        return step.reference();
                    }
                }
            }
            later = at;
        }
        return "";
    }

    private static List<Step> steps(String at, ObjectNode subschema, Map<String, ObjectNode> subschemas,
                                    Map<String, String> anchors) {
        List<Step> steps = new ArrayList<>();
        for (Map.Entry<String, JsonNode> member : subschema.properties()) {
            String keyword = member.getKey();
            JsonNode value = member.getValue();
            String here = at + InvalidField.pointerTo(keyword);
            if (IN_PLACE.contains(keyword)) {
                steps.add(new Step(here, null));
            }
            if (IN_PLACE_ARRAY.contains(keyword) && value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    steps.add(new Step(here + "/" + i, null));
                }
            }
            if (IN_PLACE_MAP.contains(keyword) && value.isObject()) {
                for (String name : value.propertyNames()) {
                    steps.add(new Step(here + InvalidField.pointerTo(name), null));
                }
            }
            if (REFERENCES.contains(keyword) && value.isString()) {
                String target = target(value.asString(), anchors);
                if (target != null) {
                    steps.add(new Step(target, here));
                }
            }
        }
        steps.removeIf(step -> !subschemas.containsKey(step.target())); // boolean schemas, unknown targets
        return steps;
    }

    /** The pointer (relative to the schema) a reference within the schema leads to, or null. */
    private static String target(String reference, Map<String, String> anchors) {
        if (!reference.startsWith("#")) {
            return null;
        }
        String fragment;
        try {
            fragment = URLDecoder.decode(reference.substring(1).replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) { // the compiler refuses it
            return null;
        }
        return fragment.isEmpty() || fragment.startsWith("/") ? fragment : anchors.get(fragment);
    }

    private ReferenceCycles() {
    }
}
