package org.opencdp.activation.delivery;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One entry of a destination's delivery log, as the API shows it. */
record DeliveryResponse(
        UUID id,
        String profileId,
        String kind,
        String status,
        String consentDecisionId,
        int attempts,
        String lastError,
        Instant createdAt,
        Instant updatedAt) {

    /** A page of the log, newest first; {@code nextCursor} is null on the last page. */
    record Page(List<DeliveryResponse> items, String nextCursor) {
    }
}
