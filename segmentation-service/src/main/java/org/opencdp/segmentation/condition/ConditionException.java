package org.opencdp.segmentation.condition;

import java.util.List;
import org.opencdp.conditions.ConditionError;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ErrorKind;
import org.opencdp.kit.problem.InvalidField;

/**
 * A condition that cannot be used, with the JSON pointer ({@code path}) of the offending node or
 * member. Becomes a 400 problem {@code invalid_condition}, listing it
 * as every validation problem does: {@code errors: [{pointer, message}]}.
 */
public class ConditionException extends CdpException {

    public static final String INVALID = "invalid_condition";
    /** No node answers it since issue 11 (the {@code event} node); kept for clients and tests that name it. */
    public static final String UNSUPPORTED = "unsupported_condition";

    private final String path;

    private ConditionException(String code, String title, List<InvalidField> errors) {
        super(ErrorKind.BAD_REQUEST, code, title, errors.getFirst().message());
        this.path = errors.getFirst().pointer();
        with("errors", errors);
    }

    /** A condition the language accepts but the workspace cannot use (e.g. a reference to an unknown segment). */
    public static ConditionException invalid(String path, String detail) {
        return new ConditionException(INVALID, "Invalid condition", List.of(new InvalidField(path, detail)));
    }

    /** A trait leaf the shared parser refused, with every problem it found. */
    static ConditionException invalid(List<ConditionError> errors) {
        return new ConditionException(INVALID, "Invalid condition",
                errors.stream().map(e -> new InvalidField(e.pointer(), e.message())).toList());
    }

    /** The JSON pointer of the (first) offending node or member. */
    public String path() {
        return path;
    }
}
