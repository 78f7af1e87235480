package org.opencdp.profile.profiles;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code occurredAt} of the ProfileChanged messages one transaction publishes (issue 15).
 * Consumers order a profile's changes by it (segmentation keeps, per key, the newest change's value),
 * so it must follow the order in which the changes of a profile commit:
 * <ul>
 *   <li>it is read from the clock once the transaction holds the locks of the profiles it changes (a
 *       transaction that read the clock earlier but got a lock later would publish newer content
 *       with an older time);</li>
 *   <li>a profile's changes within the transaction are one microsecond apart, in order, so none of
 *       them shares an instant with another (a reordered or replayed older one could not be told
 *       from the newer).</li>
 * </ul>
 * Microseconds, the precision PostgreSQL stores. ProfileChanged has no per-profile version; this
 * relies on the clock not going back between two transactions on one profile.
 */
public final class ChangeStamps {

    private final Instant base;
    private final Map<ProfileRef, Integer> issued = new HashMap<>();

    private ChangeStamps(Instant base) {
        this.base = base;
    }

    /** Reads the clock; call it once the transaction holds the locks of the profiles it changes. */
    public static ChangeStamps underLocks(Clock clock) {
        return new ChangeStamps(clock.instant().truncatedTo(ChronoUnit.MICROS));
    }

    /** The stamp of the profile's next change in this transaction: one microsecond after its previous one. */
    public Instant next(String workspaceId, String profileId) {
        int earlier = issued.merge(new ProfileRef(workspaceId, profileId), 1, Integer::sum) - 1;
        return base.plus(earlier, ChronoUnit.MICROS);
    }
}
