package org.opencdp.kit.problem;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects what is wrong with a request past Bean Validation (map keys, cross-field rules,
 * documents checked by hand) and reports it in the one shape the kit gives Bean Validation
 * failures too: {@code errors: [{pointer, message}]} ({@link InvalidField}).
 */
public final class ValidationErrors {

    private final List<InvalidField> errors = new ArrayList<>();

    /** Records that the value at {@code pointer} (see {@link InvalidField#pointerTo}) is wrong. */
    public ValidationErrors add(String pointer, String message) {
        errors.add(new InvalidField(pointer, message));
        return this;
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public int size() {
        return errors.size();
    }

    public List<InvalidField> list() {
        return List.copyOf(errors);
    }

    /** Throws a 400 {@code validation_failed} problem when anything was reported. */
    public void throwIfAny() {
        throwIfAny("validation_failed", "The request has " + errors.size() + " invalid field(s).");
    }

    /** Throws a 400 problem with the service's own {@code code} when anything was reported. */
    public void throwIfAny(String code, String detail) {
        if (!errors.isEmpty()) {
            throw problem(code, detail);
        }
    }

    /** The 400 problem with {@code code} listing what was reported. */
    public CdpException problem(String code, String detail) {
        return CdpException.badRequest(code, detail).with("errors", list());
    }
}
