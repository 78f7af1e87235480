package org.opencdp.activation.destination;

import java.util.UUID;

/** A destination's identity: its workspace and its id (every lookup is scoped to the workspace). */
public record DestinationRef(String workspaceId, UUID id) implements Comparable<DestinationRef> {

    public static DestinationRef of(Destination destination) {
        return new DestinationRef(destination.workspaceId(), destination.id());
    }

    /** Workspace, then id: the order rows are locked in. */
    @Override
    public int compareTo(DestinationRef other) {
        int byWorkspace = workspaceId.compareTo(other.workspaceId);
        return byWorkspace != 0 ? byWorkspace : id.compareTo(other.id);
    }
}
