package org.opencdp.fuzz;

import java.util.List;
import java.util.stream.Stream;

/**
 * One leaf of the condition language per operator and kind of value it takes (number, plain string,
 * ISO-8601 time, boolean; none for exists): the SQL built from all of them is every piece of text the
 * SQL form of a condition can hold. A fuzz test uses it to tell a condition's own text, which must only
 * ever be bound, from SQL that merely looks the same ({@code '} is in {@code 'null'}).
 */
public final class ReferenceLeaves {

    /** The leaves as JSON, their path under {@code pathMember}. */
    public static List<String> json(String pathMember) {
        Stream<String> compared = Stream.of("eq", "neq", "contains", "gt", "gte", "lt", "lte").flatMap(op -> Stream.of(
                        "1", "\"a\"", "\"2024-01-01\"", "true")
                .filter(value -> !value.equals("true") || op.equals("eq") || op.equals("neq") || op.equals("contains"))
                .map(value -> leaf(pathMember, op, value)));
        Stream<String> others = Stream.of(leaf(pathMember, "in", "[1]"), leaf(pathMember, "not_in", "[\"a\"]"),
                leaf(pathMember, "in", "[true]"), leaf(pathMember, "between", "[1, 2]"),
                leaf(pathMember, "between", "[\"2024-01-01\", \"2024-01-02\"]"), leaf(pathMember, "between", "[\"a\", \"b\"]"),
                leaf(pathMember, "starts_with", "\"a\""), leaf(pathMember, "ends_with", "\"a\""),
                "{\"" + pathMember + "\": \"p.q\", \"op\": \"exists\"}", "{\"" + pathMember + "\": \"p\", \"op\": \"not_exists\"}");
        return Stream.concat(compared, others).toList();
    }

    private static String leaf(String pathMember, String op, String value) {
        return "{\"" + pathMember + "\": \"p.q\", \"op\": \"" + op + "\", \"value\": " + value + "}";
    }

    private ReferenceLeaves() {
    }
}
