package org.opencdp.segmentation.profile;

import java.time.Instant;
import java.util.Objects;

/**
 * The change that last wrote (set or removed) one trait or computed trait of a profile, as the
 * ordering guard (issue 15) needs it: the change's {@code version} (profile-service numbers a
 * profile's changes 1, 2, 3, … in commit order, see {@code ProfileChanged}) and, only for a change
 * from before versions (version 0), its {@code occurredAt} at PostgreSQL's microsecond precision:
 * the 0-version fallback is the only comparison that reads it, so a numbered change carries none.
 */
public record WrittenBy(long version, Instant at) {

    public WrittenBy {
        if (version < 0) {
            throw new IllegalArgumentException("A change's version is never negative: " + version);
        }
        if (version == 0) {
            Objects.requireNonNull(at, "a change from before versions is ordered by its occurredAt");
        } else {
            at = null;
        }
    }

    /**
     * The ordering guard, the one place it is decided: whether {@code change} may write a key this one
     * wrote last. A higher version wins whatever the clocks say, so any numbered change beats one from
     * before versions (0); equal numbered versions are the parts of one split change (their keys are
     * disjoint), and all apply; between two changes from before versions, the one not older by
     * {@code occurredAt} wins, as before versions existed.
     */
    public boolean yieldsTo(WrittenBy change) {
        if (change.version != version) {
            return change.version > version;
        }
        return version > 0 || !change.at.isBefore(at);
    }
}
