package org.opencdp.identity.api;

import java.time.Instant;
import java.util.List;

/** {@code GET /v1/profiles/{id}/identities}: a profile's identifiers, earliest first. */
record ProfileIdentitiesResponse(String profileId, List<Identity> identities) {

    /** One identifier with the first event (by event time) that carried it and that event's source. */
    record Identity(String type, String value, Instant firstSeenAt, String eventId, String sourceId) {
    }
}
