package org.opencdp.identity.resolution;

import java.time.Instant;
import org.opencdp.identity.graph.Sighting;

/** An identifier of a {@link WorkspaceGraph} and the profile it is attached to. */
final class GraphLink {

    /** The profile as attached; after a merge in this transaction follow {@link WorkspaceGraph#canonical}. */
    String profileId;
    /** Attached by this transaction (else read from the database). */
    final boolean created;
    Instant firstSeenAt;
    /** The earliest sighting this transaction saw, when it is earlier than the stored one (or the link is new). */
    Sighting firstSighting;

    GraphLink(String profileId, boolean created, Instant firstSeenAt, Sighting firstSighting) {
        this.profileId = profileId;
        this.created = created;
        this.firstSeenAt = firstSeenAt;
        this.firstSighting = firstSighting;
    }

    /** Keeps {@code sighting} as the first one if it is earlier than what is known. */
    void seen(Sighting sighting) {
        if (sighting.seenAt().isBefore(firstSeenAt)) {
            firstSeenAt = sighting.seenAt();
            firstSighting = sighting;
        }
    }
}
