package org.opencdp.profile.computed;

import java.time.Instant;

/**
 * The {@code between} window of a computed trait: the events whose event time is in
 * {@code [lower, upper)}. Unlike {@code within} it does not slide: whether an event is inside never
 * changes with the clock, so such a trait is kept as a running state (the window is one more filter
 * on each event) and needs no decay.
 */
record Between(Instant lower, Instant upper) {

    Between {
        if (!lower.isBefore(upper)) {
            throw new IllegalArgumentException("between needs lower < upper");
        }
    }

    boolean contains(Instant at) {
        return !at.isBefore(lower) && at.isBefore(upper);
    }
}
