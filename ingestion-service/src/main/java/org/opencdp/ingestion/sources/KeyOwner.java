package org.opencdp.ingestion.sources;

import java.time.Instant;
import java.util.UUID;

/**
 * The source a write-key hash belongs to (what the Tracking API and the SDK settings need of it):
 * whether it takes events, its own rate limit, if any, and until when the key is valid: null for the
 * current key, the end of its grace period for the key a rotation replaced.
 */
record KeyOwner(String workspaceId, UUID sourceId, String name, boolean enabled, RateLimitOverride rateLimit,
                Instant updatedAt, Instant validUntil) {

    boolean validAt(Instant now) {
        return validUntil == null || now.isBefore(validUntil);
    }
}
