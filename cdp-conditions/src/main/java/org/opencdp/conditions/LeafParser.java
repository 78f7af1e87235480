package org.opencdp.conditions;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads a leaf from JSON, strictly: {@code {"<pathMember>": "a.b", "op": "<op>", "value": ...}} with no
 * other member, a known operator and a value the operator can use. Everything wrong is reported at
 * once as an {@link InvalidConditionException} whose pointers start at the {@code pointer} the caller
 * gives for the leaf (a leaf at {@code /condition/and/2} reports {@code /condition/and/2/value}).
 */
public final class LeafParser {

    /** The most values an {@code in} / {@code not_in} list may hold. */
    public static final int MAX_LIST = 1000;

    private static final String NUL_MESSAGE = "A condition's texts may not hold the character U+0000.";

    private final String pathMember;

    /** A parser of leaves whose path is under {@code pathMember} ({@code trait}, {@code property}, {@code path}). */
    public LeafParser(String pathMember) {
        this.pathMember = pathMember;
    }

    /** The leaf at {@code pointer}, or an {@link InvalidConditionException} listing every problem. */
    public Leaf parse(JsonNode json, String pointer) {
        List<ConditionError> errors = new ArrayList<>();
        if (json == null || !json.isObject()) {
            throw new InvalidConditionException(pointer, "A condition is an object {\"" + pathMember
                    + "\", \"op\", \"value\"}, not " + Values.kind(json) + ".");
        }
        Set<String> allowed = Set.of(pathMember, "op", "value");
        for (String name : json.propertyNames()) {
            if (!allowed.contains(name)) {
                errors.add(new ConditionError(pointer + "/" + escape(name), "Unexpected member '" + name
                        + "'; a condition has " + pathMember + ", op and value."));
            }
        }
        Path path = path(json.get(pathMember), pointer + "/" + escape(pathMember), errors);
        Operator op = operator(json.get("op"), pointer + "/op", errors);
        JsonNode value = json.get("value");
        if (op != null && storable(value, pointer + "/value", errors)) {
            checkValue(op, value, pointer + "/value", errors);
        }
        if (!errors.isEmpty()) {
            throw new InvalidConditionException(errors);
        }
        return new Leaf(path, op, op.unary() ? null : value);
    }

    private Path path(JsonNode json, String pointer, List<ConditionError> errors) {
        if (json == null || !json.isString() || json.stringValue().isBlank()) {
            errors.add(new ConditionError(pointer, "'" + pathMember + "' needs a dotted path (a non-empty string)."));
            return null;
        }
        if (json.stringValue().indexOf('\0') >= 0) {
            errors.add(new ConditionError(pointer, NUL_MESSAGE));
            return null;
        }
        try {
            return Path.parse(json.stringValue());
        } catch (IllegalArgumentException e) {
            errors.add(new ConditionError(pointer, e.getMessage()));
            return null;
        }
    }

    /**
     * Whether {@code value} (a scalar or the elements of an array) holds only what can be stored and
     * compared: no U+0000 in a string (PostgreSQL's text and jsonb refuse it, so storing or binding it
     * would fail with a 500) and no non-finite number (a request number too large for a double reads
     * as Infinity, which {@link LeafSql} cannot write and which is stored as the string
     * {@code "Infinity"}). Refused here, once, for every service that reads leaves.
     */
    private static boolean storable(JsonNode value, String pointer, List<ConditionError> errors) {
        if (value == null) {
            return true;
        }
        if (value.isArray()) {
            boolean ok = true;
            for (int i = 0; i < value.size(); i++) {
                ok &= storableScalar(value.get(i), pointer + "/" + i, errors);
            }
            return ok;
        }
        return storableScalar(value, pointer, errors);
    }

    private static boolean storableScalar(JsonNode value, String pointer, List<ConditionError> errors) {
        if (value.isString() && value.stringValue().indexOf('\0') >= 0) {
            errors.add(new ConditionError(pointer, NUL_MESSAGE));
            return false;
        }
        if ((value.isDouble() || value.isFloat()) && !Double.isFinite(value.doubleValue())) {
            errors.add(new ConditionError(pointer, "A number must be finite; " + value.doubleValue()
                    + " is not (a number too large for a double reads as Infinity)."));
            return false;
        }
        return true;
    }

    private static Operator operator(JsonNode json, String pointer, List<ConditionError> errors) {
        if (json == null || json.isNull()) {
            errors.add(new ConditionError(pointer, "A condition needs an 'op' (one of " + Operator.NAMES + ")."));
            return null;
        }
        if (!json.isString()) {
            errors.add(new ConditionError(pointer, "'op' must be a string (one of " + Operator.NAMES + ")."));
            return null;
        }
        var op = Operator.fromJson(json.stringValue());
        if (op.isEmpty()) {
            errors.add(new ConditionError(pointer, "Unknown operator '" + json.stringValue() + "'; expected one of "
                    + Operator.NAMES + "."));
        }
        return op.orElse(null);
    }

    private static void checkValue(Operator op, JsonNode value, String pointer, List<ConditionError> errors) {
        if (op.unary()) {
            if (value != null) {
                errors.add(new ConditionError(pointer, "Operator '" + op + "' takes no 'value'."));
            }
            return;
        }
        if (value == null || value.isNull()) {
            errors.add(new ConditionError(pointer, "Operator '" + op + "' needs a 'value'."));
            return;
        }
        switch (op) {
            case eq, neq, contains -> require(Values.isScalar(value), pointer, op, "a string, number or boolean", errors);
            case gt, gte, lt, lte -> require(value.isString() || value.isNumber(), pointer, op, "a string or a number",
                    errors);
            case starts_with, ends_with -> require(value.isString(), pointer, op, "a string", errors);
            case in, not_in -> checkList(op, value, pointer, errors);
            case between -> checkRange(value, pointer, errors);
            case exists, not_exists -> throw new IllegalStateException("unary operators take no value");
        }
    }

    private static void checkList(Operator op, JsonNode value, String pointer, List<ConditionError> errors) {
        if (!value.isArray() || value.isEmpty() || value.size() > MAX_LIST) {
            errors.add(new ConditionError(pointer, "Operator '" + op + "' needs a non-empty array of at most " + MAX_LIST
                    + " strings, numbers or booleans (all of one type) as 'value'."));
            return;
        }
        String kind = null;
        for (int i = 0; i < value.size(); i++) {
            JsonNode element = value.get(i);
            if (!Values.isScalar(element)) {
                errors.add(new ConditionError(pointer + "/" + i, "Operator '" + op
                        + "' needs strings, numbers or booleans; element " + i + " is " + Values.kind(element) + "."));
                return;
            }
            if (kind != null && !kind.equals(Values.kind(element))) {
                errors.add(new ConditionError(pointer + "/" + i, "Operator '" + op
                        + "' needs values of one type; element " + i + " is a " + Values.kind(element) + " among "
                        + kind + "s."));
                return;
            }
            kind = Values.kind(element);
        }
    }

    private static void checkRange(JsonNode value, String pointer, List<ConditionError> errors) {
        String expected = "a 2-element array [lower, upper] of two numbers or two strings";
        if (!value.isArray() || value.size() != 2) {
            require(false, pointer, Operator.between, expected, errors);
            return;
        }
        JsonNode lower = value.get(0);
        JsonNode upper = value.get(1);
        boolean numbers = lower.isNumber() && upper.isNumber();
        boolean strings = lower.isString() && upper.isString();
        if (!numbers && !strings) {
            require(false, pointer, Operator.between, expected, errors);
            return;
        }
        OptionalInt order = Values.compare(lower, upper);
        if (order.isEmpty() || strings && Values.instant(lower.stringValue()).isPresent()
                != Values.instant(upper.stringValue()).isPresent()) {
            errors.add(new ConditionError(pointer, "Operator 'between' needs two bounds of one type; "
                    + "an ISO-8601 time and a plain string do not compare."));
        } else if (order.getAsInt() > 0) {
            errors.add(new ConditionError(pointer, "Operator 'between' needs lower <= upper."));
        }
    }

    private static void require(boolean ok, String pointer, Operator op, String expected, List<ConditionError> errors) {
        if (!ok) {
            errors.add(new ConditionError(pointer, "Operator '" + op + "' needs " + expected + " as 'value'."));
        }
    }

    /** RFC 6901 escaping of one reference token. */
    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
