package org.opencdp.ingestion.sources;

import java.time.Instant;
import java.util.UUID;

/** A source as stored (never its write key, only the key's hint); {@code rateLimit} null means the default. */
record Source(String workspaceId, UUID id, String name, String writeKeyHint, boolean enabled,
              RateLimitOverride rateLimit, Instant createdAt, Instant updatedAt) {
}
