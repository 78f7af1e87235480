package org.opencdp.segmentation.realtime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.segmentation.condition.ProfileFacts;
import org.opencdp.segmentation.membership.MembershipTransition;
import org.opencdp.segmentation.profile.ProfileKey;
import org.opencdp.segmentation.profile.ProfileState;
import org.opencdp.segmentation.segment.SegmentDefinition;
import org.opencdp.segmentation.segment.SegmentsEvaluator;
import tools.jackson.databind.JsonNode;

/**
 * Applies a chunk of profile changes in memory, in order, as applying them one at a time would:
 * each change is merged into its profile's traits (a JSON-null value removes the key), then the
 * workspace's segments are evaluated for the profile and every entry or exit is recorded, so a
 * profile that enters and leaves a segment within one chunk yields both transitions, in order.
 * Pure: the caller reads the stored state before and writes the result after.
 *
 * <p>Ordering guard (issue 15): a change older than what the profile already holds ({@code
 * occurredAt} before the stored {@code updatedAt}, the latest change applied) is a redelivery or a
 * replay; it is ignored, so it cannot roll traits back. ProfileChanged carries no per-profile
 * sequence; profile-service stamps {@code occurredAt} in the transaction that holds the profile's
 * lock, so it does not go back for one profile (changes of one chunk share it and all apply).
 *
 * <p>Evaluation is skipped where it cannot change anything. A segment is evaluated for a change when
 * the profile was not stored before (its memberships were never evaluated), when the segment is still
 * building, when the change touches a trait or computed trait the segment's condition reads, or when
 * a segment it references changed the profile's membership just before ({@link SegmentsEvaluator},
 * in dependency order). Otherwise the
 * condition's result is what it was after the profile's previous change, and membership already
 * agrees with it: every stored profile was evaluated against every ready segment by real-time
 * evaluation or by that segment's build.
 */
final class ProfileChangeFold {

    private final SegmentsEvaluator evaluator = new SegmentsEvaluator();

    /** The profiles whose memberships the chunk evaluates: the ones {@link #apply} needs the memberships of. */
    Set<ProfileKey> evaluated(List<ProfileChanged> changes, Set<ProfileKey> stored,
                              Map<String, List<SegmentDefinition>> segments) {
        Set<ProfileKey> known = new HashSet<>(stored);
        Set<ProfileKey> evaluated = new HashSet<>();
        for (ProfileChanged change : changes) {
            ProfileKey key = keyOf(change);
            boolean wasKnown = !known.add(key);
            for (SegmentDefinition segment : segments.getOrDefault(change.workspaceId(), List.of())) {
                if (evaluates(segment, wasKnown, change)) {
                    evaluated.add(key);
                    break;
                }
            }
        }
        return evaluated;
    }

    /**
     * Folds {@code changes} into the profiles' {@code stored} rows and evaluates them.
     *
     * @param members for each profile of {@link #evaluated}, the segments it is a member of now
     */
    Result apply(List<ProfileChanged> changes, Map<ProfileKey, ProfileState> stored,
                 Map<String, List<SegmentDefinition>> segments, Map<ProfileKey, Set<String>> members) {
        Map<ProfileKey, Folding> profiles = new LinkedHashMap<>();
        List<MembershipTransition> transitions = new ArrayList<>();
        for (ProfileChanged change : changes) {
            ProfileKey key = keyOf(change);
            Folding profile = profiles.get(key);
            boolean known = profile != null || stored.containsKey(key);
            if (profile == null) {
                profile = new Folding(key, stored.get(key), members.getOrDefault(key, Set.of()));
                profiles.put(key, profile);
            }
            if (profile.isNewerThan(change)) {
                continue; // redelivered or replayed: older than what the profile holds
            }
            profile.merge(change);
            evaluator.evaluate(key, profile.facts(), profile.members, segments.getOrDefault(change.workspaceId(),
                    List.of()), segment -> evaluates(segment, known, change), transitions);
        }
        return new Result(profiles.values().stream().map(Folding::state).toList(), transitions);
    }

    private static boolean evaluates(SegmentDefinition segment, boolean known, ProfileChanged change) {
        return !known || segment.building() || segment.reads(keys(change.traits()), keys(change.computedTraits()), Set.of());
    }

    static ProfileKey keyOf(ProfileChanged change) {
        return new ProfileKey(change.workspaceId(), change.profileId());
    }

    private static Set<String> keys(Map<String, JsonNode> changed) {
        return changed == null ? Set.of() : changed.keySet();
    }

    /**
     * What the chunk leaves: each profile's row to store (in order of first appearance) and the
     * membership transitions, in the order they happened.
     */
    record Result(List<ProfileState> profiles, List<MembershipTransition> transitions) {
    }

    /** One profile while its changes are folded. */
    private static final class Folding {

        private final ProfileKey key;
        private final Map<String, JsonNode> traits;
        private final Map<String, JsonNode> computedTraits;
        private final Set<String> members;
        private Instant updatedAt;

        Folding(ProfileKey key, ProfileState stored, Set<String> members) {
            this.key = key;
            this.traits = stored == null ? new HashMap<>() : new HashMap<>(stored.traits());
            this.computedTraits = stored == null ? new HashMap<>() : new HashMap<>(stored.computedTraits());
            this.updatedAt = stored == null ? null : stored.updatedAt();
            this.members = new HashSet<>(members);
        }

        /** Whether the profile already holds a later change than {@code change}. */
        boolean isNewerThan(ProfileChanged change) {
            return updatedAt != null && change.occurredAt() != null && change.occurredAt().isBefore(updatedAt);
        }

        ProfileFacts facts() {
            return new ProfileFacts(traits, computedTraits, members);
        }

        void merge(ProfileChanged change) {
            mergeInto(traits, change.traits());
            mergeInto(computedTraits, change.computedTraits());
            Instant at = change.occurredAt() == null ? Instant.now() : change.occurredAt();
            if (updatedAt == null || at.isAfter(updatedAt)) {
                updatedAt = at;
            }
        }

        ProfileState state() {
            return new ProfileState(key, traits, computedTraits, updatedAt);
        }

        private static void mergeInto(Map<String, JsonNode> current, Map<String, JsonNode> change) {
            if (change == null) {
                return;
            }
            change.forEach((name, value) -> {
                if (value == null || value.isNull() || value.isMissingNode()) {
                    current.remove(name);
                } else {
                    current.put(name, value);
                }
            });
        }
    }
}
