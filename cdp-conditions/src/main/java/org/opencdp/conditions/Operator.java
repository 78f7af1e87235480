package org.opencdp.conditions;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The operators of the condition language; the constant names are the JSON names (see {@code docs/conditions.md}). */
public enum Operator {
    eq, neq, gt, gte, lt, lte, in, not_in, contains, starts_with, ends_with, exists, not_exists, between;

    /** Every JSON name, comma-separated, for error messages. */
    public static final String NAMES = Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));

    /** The operator with this JSON name, if any (names are case-sensitive). */
    public static Optional<Operator> fromJson(String name) {
        return Arrays.stream(values()).filter(op -> op.name().equals(name)).findFirst();
    }

    /** Whether the operator takes no {@code value}. */
    public boolean unary() {
        return this == exists || this == not_exists;
    }
}
