package org.opencdp.consent.ledger;

import java.util.Comparator;

/** A profile of a workspace; ordered by workspace then profile id (the order rows are written in). */
record ProfileRef(String workspaceId, String profileId) implements Comparable<ProfileRef> {

    private static final Comparator<ProfileRef> ORDER = Comparator.comparing(ProfileRef::workspaceId)
            .thenComparing(ProfileRef::profileId);

    /** The key of the advisory lock that serialises changes to the profile's consent. */
    String lockKey() {
        return "consent:" + workspaceId + ":" + profileId;
    }

    @Override
    public int compareTo(ProfileRef other) {
        return ORDER.compare(this, other);
    }
}
