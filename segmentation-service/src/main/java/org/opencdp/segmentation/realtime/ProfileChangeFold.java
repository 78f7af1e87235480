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
import org.opencdp.segmentation.condition.ConditionEvaluator;
import org.opencdp.segmentation.membership.MembershipTransition;
import org.opencdp.segmentation.profile.ProfileKey;
import org.opencdp.segmentation.profile.ProfileState;
import org.opencdp.segmentation.segment.SegmentDefinition;
import tools.jackson.databind.JsonNode;

/**
 * Applies a chunk of profile changes in memory, in order, as applying them one at a time would:
 * each change is merged into its profile's traits (a JSON-null value removes the key), then the
 * workspace's segments are evaluated for the profile and every entry or exit is recorded, so a
 * profile that enters and leaves a segment within one chunk yields both transitions, in order.
 * Pure: the caller reads the stored state before and writes the result after.
 *
 * <p>Evaluation is skipped where it cannot change anything. A segment is evaluated for a change when
 * the profile was not stored before (its memberships were never evaluated), when the segment is still
 * building, or when the change touches a trait the segment's condition reads. Otherwise the
 * condition's result is what it was after the profile's previous change, and membership already
 * agrees with it: every stored profile was evaluated against every ready segment by real-time
 * evaluation or by that segment's build.
 */
final class ProfileChangeFold {

    private final ConditionEvaluator evaluator = new ConditionEvaluator();

    /** The profiles whose memberships the chunk evaluates: the ones {@link #apply} needs the memberships of. */
    Set<ProfileKey> evaluated(List<ProfileChanged> changes, Set<ProfileKey> stored,
                              Map<String, List<SegmentDefinition>> segments) {
        Set<ProfileKey> known = new HashSet<>(stored);
        Set<ProfileKey> evaluated = new HashSet<>();
        for (ProfileChanged change : changes) {
            ProfileKey key = keyOf(change);
            boolean wasKnown = !known.add(key);
            Set<String> touched = touched(change);
            for (SegmentDefinition segment : segments.getOrDefault(change.workspaceId(), List.of())) {
                if (evaluates(segment, wasKnown, touched)) {
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
            profile.merge(change);
            Set<String> touched = touched(change);
            for (SegmentDefinition segment : segments.getOrDefault(change.workspaceId(), List.of())) {
                if (!evaluates(segment, known, touched)) {
                    continue;
                }
                boolean matches = evaluator.matches(segment.condition(), profile.traits);
                boolean member = profile.members.contains(segment.id());
                if (matches != member) {
                    if (matches) {
                        profile.members.add(segment.id());
                    } else {
                        profile.members.remove(segment.id());
                    }
                    transitions.add(new MembershipTransition(key.workspaceId(), segment.id(), key.profileId(), matches));
                }
            }
        }
        return new Result(profiles.values().stream().map(Folding::state).toList(), transitions);
    }

    private static boolean evaluates(SegmentDefinition segment, boolean known, Set<String> touched) {
        return !known || segment.building() || segment.reads(touched);
    }

    static ProfileKey keyOf(ProfileChanged change) {
        return new ProfileKey(change.workspaceId(), change.profileId());
    }

    private static Set<String> touched(ProfileChanged change) {
        return change.traits() == null ? Set.of() : change.traits().keySet();
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
