package org.opencdp.conditions;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The SQL form of a leaf: a boolean expression (never NULL) that holds exactly when {@link
 * LeafEvaluator} says the leaf holds for the jsonb object {@code jsonb} names ({@code traits}, {@code
 * e.payload -> 'properties'}). Path members and condition values are bind parameters, each bound once;
 * the only SQL text taken from the caller is {@code jsonb} itself.
 *
 * <p>Shape: {@code (SELECT COALESCE(<test>, false) FROM (SELECT <value at path> AS v, <w0>, …) AS
 * cdp_leaf)}, so the value at the path is computed once. Every cast sits behind a {@code CASE} that
 * checks the type (and for numbers and times the same regular expression {@link Values} uses), so no
 * value of another type makes a query fail. Needs PostgreSQL 11 or newer and a UTF-8 database.
 */
public final class LeafSql {

    private static final String V = "cdp_leaf.v";

    private LeafSql() {
    }

    /** The expression of {@code leaf} against the jsonb object {@code jsonb}, binding into {@code parameters}. */
    public static String of(Leaf leaf, String jsonb, SqlParameters parameters) {
        List<String> columns = new ArrayList<>();
        StringBuilder path = new StringBuilder("(").append(jsonb).append(")");
        for (String segment : leaf.path().segments()) {
            path.append(" -> CAST(").append(parameters.bind(segment)).append(" AS text)");
        }
        columns.add(path + " AS v");
        Operands operands = new Operands(columns, parameters);
        String test = test(leaf, operands);
        return "(SELECT COALESCE(" + test + ", false) FROM (SELECT " + String.join(", ", columns) + ") AS cdp_leaf)";
    }

    private static String test(Leaf leaf, Operands operands) {
        JsonNode value = leaf.value();
        return switch (leaf.op()) {
            case exists -> "(jsonb_typeof(" + V + ") <> 'null')";
            case not_exists -> "(NOT COALESCE(jsonb_typeof(" + V + ") <> 'null', false))";
            case eq -> compare(V, value, "=", operands);
            case neq -> compare(V, value, "<>", operands);
            case gt -> compare(V, value, ">", operands);
            case gte -> compare(V, value, ">=", operands);
            case lt -> compare(V, value, "<", operands);
            case lte -> compare(V, value, "<=", operands);
            case in -> joined(value, "=", " OR ", operands);
            case not_in -> joined(value, "<>", " AND ", operands);
            case contains -> contains(value, operands);
            case starts_with -> "(CASE WHEN jsonb_typeof(" + V + ") = 'string' THEN starts_with(" + V + " #>> '{}', "
                    + operands.text(value.stringValue()) + ") END)";
            case ends_with -> {
                String w = operands.text(value.stringValue());
                yield "(CASE WHEN jsonb_typeof(" + V + ") = 'string' THEN right(" + V + " #>> '{}', length(" + w
                        + ")) = " + w + " COLLATE \"C\" END)";
            }
            case between -> "(" + compare(V, value.get(0), ">=", operands) + " AND "
                    + compare(V, value.get(1), "<=", operands) + ")";
        };
    }

    private static String joined(JsonNode values, String operator, String junction, Operands operands) {
        List<String> tests = new ArrayList<>();
        values.valueStream().forEach(v -> tests.add(compare(V, v, operator, operands)));
        return "(" + String.join(junction, tests) + ")";
    }

    private static String contains(JsonNode value, Operands operands) {
        String element = "cdp_element.e";
        String inArray = "EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(" + V + ") = 'array' THEN "
                + V + " END) AS cdp_element(e) WHERE " + compare(element, value, "=", operands) + ")";
        String inString = value.isString()
                ? "strpos(" + V + " #>> '{}', " + operands.text(value.stringValue()) + ") > 0" : "false";
        return "(CASE jsonb_typeof(" + V + ") WHEN 'array' THEN " + inArray + " WHEN 'string' THEN " + inString
                + " ELSE false END)";
    }

    /**
     * {@code actual <operator> value} with {@link Values#compare}'s semantics: NULL (read as false) when
     * they do not compare.
     */
    private static String compare(String actual, JsonNode value, String operator, Operands operands) {
        if (value.isNumber()) {
            return "(" + number(actual) + " " + operator + " " + operands.number(value) + ")";
        }
        if (value.isBoolean()) {
            return "(CASE WHEN jsonb_typeof(" + actual + ") = 'boolean' THEN CAST(" + actual + " AS boolean) END "
                    + operator + " " + operands.bool(value.booleanValue()) + ")";
        }
        String text = value.stringValue();
        String string = "CASE WHEN jsonb_typeof(" + actual + ") = 'string' THEN " + actual + " #>> '{}' END";
        if (Values.instant(text).isPresent()) {
            return "(" + time(string) + " " + operator + " " + operands.time(text) + ")";
        }
        return "((" + string + ") COLLATE \"C\" " + operator + " " + operands.text(text) + " COLLATE \"C\")";
    }

    /** A jsonb number, or a string holding a JSON-style number, as numeric; else NULL. */
    private static String number(String actual) {
        String text = "(" + actual + " #>> '{}')";
        return "CASE jsonb_typeof(" + actual + ") WHEN 'number' THEN CAST(" + actual + " AS numeric)"
                + " WHEN 'string' THEN CASE WHEN length" + text + " <= " + Values.MAX_NUMBER_LENGTH + " THEN CASE WHEN "
                + text + " ~ '^" + Values.NUMBER + "$' THEN CAST(" + text + " AS numeric) END END END";
    }

    /** A text that is an ISO-8601 time ({@link Values#TIME}) as timestamptz, truncated to the microsecond; else NULL. */
    private static String time(String text) {
        String t = "(" + text + ")";
        return "CASE WHEN length" + t + " BETWEEN 10 AND 40 THEN CASE WHEN " + t + " ~ '^" + Values.TIME + "$' THEN CAST("
                + "CASE WHEN length" + t + " = 10 THEN " + t + " || 'T00:00:00Z' ELSE regexp_replace(" + t
                + ", '([.][0-9]{6})[0-9]+', '\\1') END AS timestamptz) END END";
    }

    /** The condition values, each bound once as a column of {@code cdp_leaf}. */
    private record Operands(List<String> columns, SqlParameters parameters) {

        String text(String value) {
            return column("CAST(" + parameters.bind(value) + " AS text)");
        }

        String number(JsonNode value) {
            return column("CAST(" + parameters.bind(value.decimalValue()) + " AS numeric)");
        }

        String bool(boolean value) {
            return column("CAST(" + parameters.bind(value) + " AS boolean)");
        }

        /** A condition time, written by Java in the form PostgreSQL reads as that instant. */
        String time(String value) {
            String normal = value.length() == 10 ? value + "T00:00:00Z" : value.replaceFirst("([.][0-9]{6})[0-9]+", "$1");
            return column("CAST(" + parameters.bind(normal) + " AS timestamptz)");
        }

        private String column(String expression) {
            String name = "w" + (columns.size() - 1);
            columns.add(expression + " AS " + name);
            return "cdp_leaf." + name;
        }
    }
}
