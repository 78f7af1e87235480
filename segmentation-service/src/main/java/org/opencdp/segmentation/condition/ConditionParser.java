package org.opencdp.segmentation.condition;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads the JSON condition language (DESIGN §5) into {@link Condition} records, or throws a {@link
 * ConditionException} naming the first problem and its JSON pointer. Strict: unknown members, a
 * value the operator cannot use, empty {@code and}/{@code or} and nesting deeper than {@value
 * #MAX_DEPTH} levels are refused rather than guessed at. The nodes {@code computedTrait}, {@code
 * event} and {@code segment} are recognised and refused as not supported yet.
 */
public final class ConditionParser {

    /** How many levels a condition may nest: the root is level 1. */
    public static final int MAX_DEPTH = 20;

    private static final List<String> SUPPORTED = List.of("and", "or", "not", "trait");
    private static final List<String> NOT_YET = List.of("computedTrait", "event", "segment");
    private static final Set<String> TRAIT_MEMBERS = Set.of("trait", "op", "value");

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
            default -> trait(json, path);
        };
    }

    private static String kindOf(JsonNode json, String path) {
        List<String> found = new ArrayList<>();
        for (String name : json.propertyNames()) {
            if (SUPPORTED.contains(name) || NOT_YET.contains(name)) {
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
        String kind = found.getFirst();
        if (NOT_YET.contains(kind)) {
            throw ConditionException.unsupported(path, kind);
        }
        return kind;
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

    private static TraitCondition trait(JsonNode json, String path) {
        onlyMembers(json, TRAIT_MEMBERS, "trait", path);
        JsonNode trait = json.get("trait");
        if (!trait.isString() || trait.stringValue().isBlank()) {
            throw ConditionException.invalid(path + "/trait", "'trait' needs a trait name (a non-empty string).");
        }
        JsonNode op = json.get("op");
        if (op == null || op.isNull()) {
            throw ConditionException.invalid(path + "/op", "A trait condition needs an 'op' (one of " + Operator.NAMES + ").");
        }
        if (!op.isString()) {
            throw ConditionException.invalid(path + "/op", "'op' must be a string (one of " + Operator.NAMES + ").");
        }
        Operator operator = Operator.fromJson(op.stringValue()).orElseThrow(() -> ConditionException.invalid(
                path + "/op", "Unknown operator '" + op.stringValue() + "'; expected one of " + Operator.NAMES + "."));
        JsonNode value = json.get("value");
        checkValue(operator, value, path + "/value");
        return new TraitCondition(trait.stringValue(), operator, operator.unary() ? null : value);
    }

    private static void checkValue(Operator op, JsonNode value, String path) {
        boolean absent = value == null || value.isNull();
        if (op.unary()) {
            if (value != null) {
                throw ConditionException.invalid(path, "Operator '" + op + "' takes no 'value'.");
            }
            return;
        }
        if (absent) {
            throw ConditionException.invalid(path, "Operator '" + op + "' needs a 'value'.");
        }
        switch (op) {
            case eq, neq -> require(Values.isScalar(value), path, op, "a string, number or boolean");
            case gt, gte, lt, lte -> require(value.isString() || value.isNumber(), path, op, "a string or a number");
            case contains -> require(Values.isScalar(value), path, op, "a string, number or boolean");
            case starts_with, ends_with -> require(value.isString(), path, op, "a string");
            case in, not_in -> checkList(op, value, path);
            case between -> checkRange(value, path);
            case exists, not_exists -> throw new IllegalStateException("unary operators take no value");
        }
    }

    private static void checkList(Operator op, JsonNode value, String path) {
        require(value.isArray() && !value.isEmpty(), path, op,
                "a non-empty array of strings, numbers or booleans (all of one type)");
        String kind = null;
        for (int i = 0; i < value.size(); i++) {
            JsonNode element = value.get(i);
            if (!Values.isScalar(element)) {
                throw ConditionException.invalid(path + "/" + i, "Operator '" + op
                        + "' needs strings, numbers or booleans; element " + i + " is " + Values.kind(element) + ".");
            }
            if (kind != null && !kind.equals(Values.kind(element))) {
                throw ConditionException.invalid(path + "/" + i, "Operator '" + op + "' needs values of one type; element "
                        + i + " is a " + Values.kind(element) + " among " + kind + "s.");
            }
            kind = Values.kind(element);
        }
    }

    private static void checkRange(JsonNode value, String path) {
        String expected = "a 2-element array [lower, upper] of two numbers or two strings";
        require(value.isArray() && value.size() == 2, path, Operator.between, expected);
        JsonNode lower = value.get(0);
        JsonNode upper = value.get(1);
        boolean numbers = lower.isNumber() && upper.isNumber();
        boolean strings = lower.isString() && upper.isString();
        require(numbers || strings, path, Operator.between, expected);
        OptionalInt order = Values.compare(lower, upper);
        if (order.isEmpty() || strings && Values.instant(lower.stringValue()).isPresent()
                != Values.instant(upper.stringValue()).isPresent()) {
            throw ConditionException.invalid(path, "Operator 'between' needs two bounds of one type; "
                    + "an ISO-8601 time and a plain string do not compare.");
        }
        if (order.getAsInt() > 0) {
            throw ConditionException.invalid(path, "Operator 'between' needs lower <= upper.");
        }
    }

    private static void require(boolean ok, String path, Operator op, String expected) {
        if (!ok) {
            throw ConditionException.invalid(path, "Operator '" + op + "' needs " + expected + " as 'value'.");
        }
    }

    private static void onlyMembers(JsonNode json, Set<String> allowed, String kind, String path) {
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
