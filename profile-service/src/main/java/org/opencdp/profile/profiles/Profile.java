package org.opencdp.profile.profiles;

import java.time.Instant;

/**
 * A profile: created by its first event (or named by a merge), updated by each new event stored for
 * it. {@code mergedInto} is set once it was merged into another profile, which then answers for it.
 */
public record Profile(String workspaceId, String id, Instant createdAt, Instant updatedAt, String mergedInto) {

    public boolean isMerged() {
        return mergedInto != null;
    }
}
