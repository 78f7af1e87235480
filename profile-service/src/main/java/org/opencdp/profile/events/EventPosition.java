package org.opencdp.profile.events;

import java.time.Instant;
import java.util.Objects;

/** A place in a profile's history, ordered by event time then messageId (the keyset of pagination). */
public record EventPosition(Instant occurredAt, String messageId) {

    public EventPosition {
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(messageId, "messageId");
    }
}
