package org.opencdp.segmentation.profile;

import java.util.Objects;

/** A profile of a workspace. */
public record ProfileKey(String workspaceId, String profileId) {

    public ProfileKey {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(profileId, "profileId");
    }
}
