package org.opencdp.ingestion.sources;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Lets the other features of the service (tracking plans, violations) find a source of a
 * workspace without seeing how sources are stored.
 */
@Component
public class SourceDirectory {

    private final SourceRepository sources;
    private final WriteKeyAuthenticator keys;

    SourceDirectory(SourceRepository sources, WriteKeyAuthenticator keys) {
        this.sources = sources;
        this.keys = keys;
    }

    /** An enabled source found by its write key: what the SDK settings endpoints describe. */
    public record WriteKeySource(String workspaceId, String sourceId, String name, Instant updatedAt) {
    }

    /**
     * The source {@code writeKey} belongs to, if it is enabled; empty for no key, an unknown key and
     * a disabled source's key alike. Found as the Tracking API finds it, through the write-key cache
     * (no database query while the key is cached); a rotated key works here during its grace period too.
     */
    public Optional<WriteKeySource> enabledSourceOf(String writeKey) {
        if (writeKey == null || writeKey.isBlank()) {
            return Optional.empty();
        }
        return keys.validOwner(writeKey).map(owner -> new WriteKeySource(owner.workspaceId(),
                owner.sourceId().toString(), owner.name(), owner.updatedAt()));
    }

    /**
     * The id of the source {@code id} of {@code workspaceId}; a 404 problem {@code source_not_found}
     * when there is none there (another workspace's source included).
     */
    public UUID require(String workspaceId, String id) {
        return SourceService.parse(id).flatMap(uuid -> sources.find(workspaceId, uuid)).map(Source::id)
                .orElseThrow(() -> SourceService.notFound(id));
    }
}
