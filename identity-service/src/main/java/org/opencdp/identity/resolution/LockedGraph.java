package org.opencdp.identity.resolution;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What one transaction holds locked, per workspace. New profiles get a random id and a creation
 * time that grows strictly within the transaction, so "the oldest profile survives" is decided by
 * time, not by the id tie-break, for profiles created in one transaction.
 */
final class LockedGraph {

    private final Map<String, WorkspaceGraph> workspaces = new LinkedHashMap<>();
    private Instant lastCreated = Instant.EPOCH;

    WorkspaceGraph workspace(String workspaceId) {
        return workspaces.computeIfAbsent(workspaceId,
                id -> new WorkspaceGraph(id, () -> UUID.randomUUID().toString(), this::nextCreationTime));
    }

    Collection<WorkspaceGraph> workspaces() {
        return workspaces.values();
    }

    private Instant nextCreationTime() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        lastCreated = now.isAfter(lastCreated) ? now : lastCreated.plus(1, ChronoUnit.MICROS);
        return lastCreated;
    }
}
