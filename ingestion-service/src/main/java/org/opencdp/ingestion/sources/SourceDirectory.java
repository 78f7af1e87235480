package org.opencdp.ingestion.sources;

import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Lets the other features of the service (tracking plans, violations) find a source of a
 * workspace without seeing how sources are stored.
 */
@Component
public class SourceDirectory {

    private final SourceRepository sources;

    SourceDirectory(SourceRepository sources) {
        this.sources = sources;
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
