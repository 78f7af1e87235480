package org.opencdp.segmentation.condition;

import java.util.List;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ErrorKind;
import org.opencdp.kit.problem.InvalidField;

/**
 * A condition that cannot be used, with the JSON pointer ({@code path}) of the offending node or
 * member. Becomes a 400 problem: {@code invalid_condition} (the JSON is wrong) or {@code
 * unsupported_condition} (a node of the language this version does not evaluate yet), listing it
 * as every validation problem does: {@code errors: [{pointer, message}]}.
 */
public class ConditionException extends CdpException {

    public static final String INVALID = "invalid_condition";
    public static final String UNSUPPORTED = "unsupported_condition";

    private final String path;

    private ConditionException(String code, String title, String path, String detail) {
        super(ErrorKind.BAD_REQUEST, code, title, detail);
        this.path = path;
        with("errors", List.of(new InvalidField(path, detail)));
    }

    static ConditionException invalid(String path, String detail) {
        return new ConditionException(INVALID, "Invalid condition", path, detail);
    }

    static ConditionException unsupported(String path, String node) {
        return new ConditionException(UNSUPPORTED, "Unsupported condition", path,
                "Condition node '" + node + "' is not supported yet; use and, or, not and trait.");
    }

    /** The JSON pointer of the offending node or member. */
    public String path() {
        return path;
    }
}
