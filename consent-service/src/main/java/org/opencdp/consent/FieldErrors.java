package org.opencdp.consent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.opencdp.kit.problem.CdpException;

/**
 * Collects invalid request fields past Bean Validation (map keys, cross-field rules) and reports
 * them in the same shape the kit gives Bean Validation failures: {@code validation_failed} with
 * {@code errors: [{field, message}]}.
 */
public final class FieldErrors {

    private final List<Map<String, Object>> errors = new ArrayList<>();

    public FieldErrors add(String field, String message) {
        errors.add(Map.of("field", field, "message", message));
        return this;
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    /** Throws a 400 {@code validation_failed} problem when any field was reported. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw CdpException.badRequest("validation_failed",
                            "The request has " + errors.size() + " invalid field(s).")
                    .with("errors", List.copyOf(errors));
        }
    }
}
