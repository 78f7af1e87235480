package org.opencdp.ingestion.tracking;

import org.opencdp.contracts.EventRejected;

/**
 * One reason a single event call is refused, in the shape of every validation error ({@code
 * pointer}, {@code message}; see {@code org.opencdp.kit.problem.InvalidField}) plus the reason's
 * {@code code} ({@code missing_field}, {@code invalid_character}, …), as the rejected topic carries it.
 */
record InvalidEventField(String pointer, String message, String code) {

    static InvalidEventField of(EventRejected.Reason reason) {
        return new InvalidEventField(reason.path(), reason.message(), reason.code());
    }
}
