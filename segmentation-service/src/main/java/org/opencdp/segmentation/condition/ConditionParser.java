package org.opencdp.segmentation.condition;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.opencdp.conditions.InvalidConditionException;
import org.opencdp.conditions.LeafParser;
import org.opencdp.conditions.Values;
import tools.jackson.databind.JsonNode;

/**
 * Reads the JSON condition language (DESIGN §5) into {@link Condition} records, or throws a {@link
 * ConditionException} naming the problem and its JSON pointer ({@code trait} leaves: every problem of
 * the leaf, from the shared {@link LeafParser}). Strict: unknown members, a value the operator cannot
 * use, empty {@code and}/{@code or} and nesting deeper than {@value
 * #MAX_DEPTH} levels are refused rather than guessed at ({@code event} nodes: {@link EventNodeParser}). Whether a {@code segment} node names an existing segment without a
 * cycle is for the caller to check (it needs the workspace's segments). U+0000 in a segment id (and,
 * by the shared parser, in a path or value) is refused, since PostgreSQL can neither store nor bind it.
 */
public final class ConditionParser {

    /** How many levels a condition may nest: the root is level 1. */
    public static final int MAX_DEPTH = 20;

    /** Longest segment id a {@code segment} node may name. */
    public static final int MAX_SEGMENT_ID = 100;

    private static final List<String> SUPPORTED =
            List.of("and", "or", "not", "trait", "computedTrait", "event", "segment");
    private static final LeafParser LEAVES = new LeafParser(TraitCondition.PATH_MEMBER);
    private static final LeafParser COMPUTED_LEAVES = new LeafParser(ComputedTraitCondition.PATH_MEMBER);

    /** Parses a condition whose pointers are relative to the condition itself. */
    public Condition parse(JsonNode json) {
        return parse(json, "");
    }

    /**
     * Parses a condition found at {@code pointer} in a larger document (e.g. {@code /condition} in a
     * request body), so error paths point into that document.
     */
    public Condition parse(JsonNode json, String pointer) {
        return node(json, pointer, 1);
    }

    private Condition node(JsonNode json, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw ConditionException.invalid(path, "Conditions may nest at most " + MAX_DEPTH + " levels deep.");
        }
        if (json == null || json.isNull() || json.isMissingNode()) {
            throw ConditionException.invalid(path, "A condition is required here.");
        }
        if (!json.isObject()) {
            throw ConditionException.invalid(path, "A condition must be a JSON object, not " + Values.kind(json) + ".");
        }
        String kind = kindOf(json, path);
        return switch (kind) {
            case "and" -> new And(children(json, "and", path, depth));
            case "or" -> new Or(children(json, "or", path, depth));
            case "not" -> {
                onlyMembers(json, Set.of("not"), "not", path);
                yield new Not(node(json.get("not"), path + "/not", depth + 1));
            }
            case "segment" -> segment(json, path);
            case "computedTrait" -> new ComputedTraitCondition(leaf(COMPUTED_LEAVES, json, path));
            case "event" -> EventNodeParser.parse(json, path);
            default -> new TraitCondition(leaf(LEAVES, json, path));
        };
    }

    private static String kindOf(JsonNode json, String path) {
        List<String> found = new ArrayList<>();
        for (String name : json.propertyNames()) {
            if (SUPPORTED.contains(name)) {
                found.add(name);
            }
        }
        if (found.isEmpty()) {
            throw ConditionException.invalid(path, "Unknown condition node: expected one of "
                    + String.join(", ", SUPPORTED) + " (found members: " + String.join(", ", json.propertyNames()) + ").");
        }
        if (found.size() > 1) {
            throw ConditionException.invalid(path, "A condition node has exactly one of "
                    + String.join(", ", SUPPORTED) + "; found " + String.join(" and ", found) + ".");
        }
        return found.getFirst();
    }

    private List<Condition> children(JsonNode json, String kind, String path, int depth) {
        onlyMembers(json, Set.of(kind), kind, path);
        JsonNode array = json.get(kind);
        String arrayPath = path + "/" + kind;
        if (!array.isArray()) {
            throw ConditionException.invalid(arrayPath, "'" + kind + "' needs an array of conditions.");
        }
        if (array.isEmpty()) {
            throw ConditionException.invalid(arrayPath, "'" + kind + "' needs at least one condition.");
        }
        List<Condition> children = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            children.add(node(array.get(i), arrayPath + "/" + i, depth + 1));
        }
        return children;
    }

    static org.opencdp.conditions.Leaf leaf(LeafParser leaves, JsonNode json, String path) {
        try {
            return leaves.parse(json, path);
        } catch (InvalidConditionException e) {
            throw ConditionException.invalid(e.errors());
        }
    }

    private static SegmentCondition segment(JsonNode json, String path) {
        onlyMembers(json, Set.of("segment"), "segment", path);
        JsonNode id = json.get("segment");
        if (!id.isString() || id.asString().isBlank() || id.asString().length() > MAX_SEGMENT_ID) {
            throw ConditionException.invalid(path + "/segment",
                    "'segment' needs the id of a segment of this workspace (a non-blank string of at most "
                            + MAX_SEGMENT_ID + " characters).");
        }
        if (id.asString().indexOf('\0') >= 0) {
            // PostgreSQL's text and jsonb refuse U+0000: storing or previewing would fail with a 500.
            throw ConditionException.invalid(path + "/segment", "A segment id may not hold the character U+0000.");
        }
        return new SegmentCondition(id.asString());
    }

    static void onlyMembers(JsonNode json, Set<String> allowed, String kind, String path) {
        for (String name : json.propertyNames()) {
            if (!allowed.contains(name)) {
                throw ConditionException.invalid(path + "/" + escape(name),
                        "Unexpected member '" + name + "' in a '" + kind + "' condition.");
            }
        }
    }

    /** RFC 6901 escaping of one reference token. */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
