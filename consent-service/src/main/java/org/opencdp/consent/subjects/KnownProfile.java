package org.opencdp.consent.subjects;

import java.util.Comparator;

/** A profile of a workspace, in the order rows are written (workspace, profile id). */
public record KnownProfile(String workspaceId, String profileId) implements Comparable<KnownProfile> {

    private static final Comparator<KnownProfile> ORDER = Comparator.comparing(KnownProfile::workspaceId)
            .thenComparing(KnownProfile::profileId);

    @Override
    public int compareTo(KnownProfile other) {
        return ORDER.compare(this, other);
    }
}
