package org.opencdp.profile.profiles;

import java.util.Comparator;
import java.util.Objects;

/** A profile id within its workspace: how the set-wise paths name a profile. */
public record ProfileRef(String workspaceId, String profileId) {

    /**
     * The order every multi-profile lock takes: workspace, then id, both by code point (SQL's
     * {@code COLLATE "C"}), so two transactions locking profiles never wait on each other in a cycle.
     */
    public static final Comparator<ProfileRef> LOCK_ORDER = Comparator
            .comparing(ProfileRef::workspaceId, CodePoints.ORDER)
            .thenComparing(ProfileRef::profileId, CodePoints.ORDER);

    public ProfileRef {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(profileId, "profileId");
    }
}
