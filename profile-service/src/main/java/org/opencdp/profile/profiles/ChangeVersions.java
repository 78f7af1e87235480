package org.opencdp.profile.profiles;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.opencdp.contracts.ProfileChanged;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * Numbers the {@link ProfileChanged} messages a transaction publishes (issue 15): the one place every
 * publisher of profile changes (events, merges, backfills, decay) gets their {@code version} and
 * {@code occurredAt} from.
 *
 * <p>A profile's changes are numbered 1, 2, 3, … in the order they commit, with neither gap nor
 * repeat: the transaction, holding the locks of the profiles it changes, moves each profile's {@code
 * change_version} forward by as many changes as it publishes for it, in one statement, and hands the
 * numbers out in the order of its changes. The lock is held until the transaction commits, so the
 * next transaction of the profile numbers after it; a transaction rolled back takes its numbers back
 * with it. No clock is involved: consumers order a profile's changes by version, never by time.
 *
 * <p>{@code occurredAt} is the clock read once that statement holds the locks, the same for every
 * change of the transaction, in microseconds (PostgreSQL's precision). It says when, not in which
 * order.
 *
 * <p>Callers lock the profiles first, in {@link ProfileRef#LOCK_ORDER} (so the statement here takes
 * no lock they do not hold and adds no deadlock). A merged-away profile publishes nothing after its
 * merge (its events land on the survivor, whose numbering goes on); its own last number stays.
 */
@Component
public class ChangeVersions {

    private final ProfileRepository profiles;
    private final Clock clock;

    ChangeVersions(ProfileRepository profiles, Clock clock) {
        this.profiles = profiles;
        this.clock = clock;
    }

    /**
     * The content of a {@link ProfileChanged} before it is numbered.
     *
     * @param id the change's id (derived from what caused it where the work may be redone)
     * @param traits the changed traits, a JSON null for a removed one
     * @param computedTraits the changed computed traits, a JSON null for a removed one
     */
    public record Change(UUID id, ProfileRef profile, Map<String, JsonNode> traits,
                         Map<String, JsonNode> computedTraits) {

        public Change {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(profile, "profile");
        }
    }

    /**
     * The transaction's changes, in the order given, numbered: each profile's in that order, after
     * the ones it committed before. One statement; the profiles must exist and be locked by the
     * caller's transaction.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<ProfileChanged> number(List<Change> changes) {
        if (changes.isEmpty()) {
            return List.of();
        }
        Map<ProfileRef, Long> last = profiles.reserveVersions(countByProfile(changes));
        return numbered(changes, last, clock.instant());
    }

    /** How many changes of each profile the transaction publishes. */
    static Map<ProfileRef, Integer> countByProfile(List<Change> changes) {
        Map<ProfileRef, Integer> counts = new LinkedHashMap<>();
        changes.forEach(change -> counts.merge(change.profile(), 1, Integer::sum));
        return counts;
    }

    /**
     * The changes with their versions: each profile's, in order, end at {@code last} (the counter
     * after the reservation), so the first of them is {@code last - count + 1}.
     */
    static List<ProfileChanged> numbered(List<Change> changes, Map<ProfileRef, Long> last, Instant at) {
        Instant occurredAt = at.truncatedTo(ChronoUnit.MICROS);
        Map<ProfileRef, Integer> counts = countByProfile(changes);
        Map<ProfileRef, Long> next = new HashMap<>();
        counts.forEach((profile, count) -> {
            Long reserved = last.get(profile);
            if (reserved == null) {
                throw new IllegalStateException("Profile " + profile.profileId() + " of workspace "
                        + profile.workspaceId() + " has no row: its change cannot be numbered");
            }
            next.put(profile, reserved - count + 1);
        });
        List<ProfileChanged> numbered = new ArrayList<>(changes.size());
        for (Change change : changes) {
            long version = next.merge(change.profile(), 1L, Long::sum) - 1;
            numbered.add(new ProfileChanged(change.id(), change.profile().workspaceId(), occurredAt,
                    change.profile().profileId(), change.traits(), change.computedTraits(), version));
        }
        return numbered;
    }
}
