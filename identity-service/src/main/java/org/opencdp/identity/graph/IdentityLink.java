package org.opencdp.identity.graph;

import java.time.Instant;

/**
 * An identifier attached to a profile, with the earliest event (by event time) that carried it:
 * that event's {@code messageId} and source.
 */
public record IdentityLink(
        PersonIdentifier identifier,
        String profileId,
        Instant firstSeenAt,
        String firstEventId,
        String firstSourceId) {
}
