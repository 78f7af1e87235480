package org.opencdp.profile.computed;

import java.time.Clock;
import java.util.List;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.profile.computed.ComputedTraitDefinition.Status;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/** Creating, reading and deleting computed trait definitions of one workspace. */
@Service
class DefinitionService {

    private final DefinitionRepository definitions;
    private final ValueRepository values;
    private final Clock clock;

    DefinitionService(DefinitionRepository definitions, ValueRepository values, Clock clock) {
        this.definitions = definitions;
        this.values = values;
        this.clock = clock;
    }

    /**
     * Stores a new definition in status {@code backfilling}, with the number of profiles to go
     * through as its total; the {@link BackfillWorker} takes it from there.
     */
    @Transactional
    public ComputedTraitDefinition create(String workspaceId, JsonNode body) {
        ComputedTraitDefinition parsed = DefinitionParser.parse(workspaceId, body, clock.instant());
        if (definitions.find(workspaceId, parsed.key()).isPresent()) {
            throw exists(parsed.key());
        }
        values.deleteKey(workspaceId, parsed.key());
        ComputedTraitDefinition definition = new ComputedTraitDefinition(workspaceId, parsed.key(), parsed.name(),
                parsed.aggregation(), parsed.event(), parsed.property(), parsed.propertyPath(), parsed.where(),
                parsed.within(), parsed.window(), parsed.between(), parsed.hidden(), Status.backfilling, null, 0,
                definitions.countProfiles(workspaceId), parsed.createdAt(), parsed.updatedAt());
        try {
            definitions.insert(definition);
        } catch (DuplicateKeyException e) {
            throw exists(parsed.key());
        }
        return definition;
    }

    /** The workspace's live definitions; hidden ones (segmentation's) only when {@code includeHidden}. */
    public List<ComputedTraitDefinition> list(String workspaceId, boolean includeHidden) {
        return definitions.live(workspaceId).stream().filter(d -> includeHidden || !d.hidden()).toList();
    }

    public ComputedTraitDefinition get(String workspaceId, String key) {
        return definitions.find(workspaceId, key).filter(d -> d.status() != Status.deleting)
                .orElseThrow(() -> CdpException.notFound("computed_trait", key));
    }

    /** Marks the definition deleted; the {@link BackfillWorker} removes its values and publishes their removal. */
    @Transactional
    public void delete(String workspaceId, String key) {
        if (!definitions.markDeleting(workspaceId, key, clock.instant())) {
            throw CdpException.notFound("computed_trait", key);
        }
    }

    private static CdpException exists(String key) {
        return CdpException.conflict("computed_trait_exists",
                "A computed trait '" + key + "' already exists in this workspace (or is still being deleted).")
                .with("key", key);
    }
}
