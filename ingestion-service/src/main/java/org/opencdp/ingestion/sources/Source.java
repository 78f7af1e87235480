package org.opencdp.ingestion.sources;

import java.time.Instant;
import java.util.UUID;

/**
 * A source as stored (never its write key, only the key's hint); {@code rateLimit} null means the
 * default; {@code previousWriteKeyExpiresAt} is when the key replaced by the last rotation stops
 * working (null: none is valid any more, or it was revoked at once).
 */
record Source(String workspaceId, UUID id, String name, String writeKeyHint, boolean enabled,
              RateLimitOverride rateLimit, Instant previousWriteKeyExpiresAt, Instant createdAt, Instant updatedAt) {
}
