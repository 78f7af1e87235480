package org.opencdp.conditions;

import java.util.Objects;

/**
 * One thing wrong with a condition: where, as a JSON pointer (RFC 6901) into the caller's document
 * (the caller gives the leaf's own pointer, e.g. {@code /condition/and/2}), and what is wrong. A
 * service turns a list of these into its validation problem ({@code errors: [{pointer, message}]}).
 */
public record ConditionError(String pointer, String message) {

    public ConditionError {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(message, "message");
    }
}
