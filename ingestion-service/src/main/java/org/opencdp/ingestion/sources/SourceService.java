package org.opencdp.ingestion.sources;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.kit.problem.CdpException;
import org.springframework.stereotype.Service;

/**
 * Creates, lists and changes sources (enabled, rate limit) and rotates their write keys (the old
 * key kept for a grace period), always within one workspace.
 */
@Service
class SourceService {

    private final SourceRepository sources;
    private final WriteKeyCache cache;
    private final Duration defaultGracePeriod;

    SourceService(SourceRepository sources, WriteKeyCache cache, IngestionProperties properties) {
        this.sources = sources;
        this.cache = cache;
        this.defaultGracePeriod = properties.writeKeyGracePeriod();
    }

    /** A source with the plain write key, which exists only in this answer. */
    record SourceWithKey(Source source, String writeKey) {
    }

    SourceWithKey create(String workspaceId, String name) {
        String writeKey = WriteKeys.generate();
        Source source = sources.insert(workspaceId, UUID.randomUUID(), name.strip(), WriteKeys.hash(writeKey),
                WriteKeys.hint(writeKey), now());
        return new SourceWithKey(source, writeKey);
    }

    List<Source> list(String workspaceId) {
        return sources.findAll(workspaceId);
    }

    Source get(String workspaceId, String id) {
        return parse(id).flatMap(uuid -> sources.find(workspaceId, uuid)).orElseThrow(() -> notFound(id));
    }

    /** Changes {@code enabled} (when not null) and the rate limit (when {@code rateLimit} is not null). */
    Source update(String workspaceId, String id, Boolean enabled, RateLimitPatch rateLimit) {
        Source source = parse(id).flatMap(uuid -> sources.update(workspaceId, uuid, enabled, rateLimit != null,
                        rateLimit == null ? null : rateLimit.override(), now()))
                .orElseThrow(() -> notFound(id));
        cache.evict(source.id());
        return source;
    }

    /**
     * Gives the source a new write key. The old one stays valid for {@code gracePeriod} (null: the
     * configured {@code cdp.ingestion.write-key-grace-period}); zero, or {@code revokeOldKeyNow}, revokes
     * it at once. Only the key just replaced is kept: rotating again ends an earlier key's grace.
     */
    SourceWithKey rotateWriteKey(String workspaceId, String id, Duration gracePeriod, boolean revokeOldKeyNow) {
        Duration grace = revokeOldKeyNow ? Duration.ZERO : gracePeriod != null ? gracePeriod : defaultGracePeriod;
        String writeKey = WriteKeys.generate();
        Instant now = now();
        Instant previousValidUntil = grace.isZero() ? null : now.plus(grace);
        Source source = parse(id).flatMap(uuid -> sources.replaceWriteKey(workspaceId, uuid,
                        WriteKeys.hash(writeKey), WriteKeys.hint(writeKey), previousValidUntil, now))
                .orElseThrow(() -> notFound(id));
        cache.evict(source.id());
        return new SourceWithKey(source, writeKey);
    }

    static Optional<UUID> parse(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static CdpException notFound(String id) {
        return CdpException.notFound("source", id);
    }

    /** PostgreSQL keeps microseconds; the answer shows what a later GET will show. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
