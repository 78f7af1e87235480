package org.opencdp.identity.api;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /v1/profiles/{id}/identities}: a profile's identifiers, earliest first.
 *
 * @param profileId the profile whose identifiers these are: the survivor when the id asked for was merged away
 * @param requestedId the id asked for
 * @param mergedInto the survivor when the id asked for was merged away, else {@code null}
 */
record ProfileIdentitiesResponse(String profileId, String requestedId, String mergedInto, List<Identity> identities) {

    /** One identifier with the first event (by event time) that carried it and that event's source. */
    record Identity(String type, String value, Instant firstSeenAt, String eventId, String sourceId) {
    }
}
