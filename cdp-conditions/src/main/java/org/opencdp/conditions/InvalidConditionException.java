package org.opencdp.conditions;

import java.util.List;

/**
 * A condition that cannot be used, with every problem found and its JSON pointer. Carries no HTTP
 * meaning: each service turns {@link #errors()} into its own 400 problem (its stable code, the kit's
 * {@code errors: [{pointer, message}]} shape).
 */
public class InvalidConditionException extends RuntimeException {

    private final transient List<ConditionError> errors;

    public InvalidConditionException(List<ConditionError> errors) {
        super(errors.isEmpty() ? "Invalid condition." : errors.getFirst().message());
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("an invalid condition has at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    public InvalidConditionException(String pointer, String message) {
        this(List.of(new ConditionError(pointer, message)));
    }

    /** What is wrong, in document order; never empty. */
    public List<ConditionError> errors() {
        return errors;
    }

    /** The first problem's pointer. */
    public String pointer() {
        return errors.getFirst().pointer();
    }
}
