package org.opencdp.identity.graph;

import java.time.Instant;

/** Where and when an event carried identifiers: its event time, {@code messageId} and source. */
public record Sighting(Instant seenAt, String eventId, String sourceId) {
}
