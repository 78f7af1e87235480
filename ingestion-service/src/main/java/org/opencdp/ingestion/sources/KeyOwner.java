package org.opencdp.ingestion.sources;

import java.util.UUID;

/** The source a write-key hash belongs to, whether it takes events, and its own rate limit, if any. */
record KeyOwner(String workspaceId, UUID sourceId, boolean enabled, RateLimitOverride rateLimit) {
}
