package org.opencdp.segmentation.realtime;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import org.opencdp.segmentation.profile.WrittenBy;
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
 * <p>Ordering guard (issue 15), per key: a change sets (or removes) a trait or computed trait only if
 * it is not older than the change that last wrote that key, as {@link WrittenBy#yieldsTo} decides:
 * by the change's {@code version} (profile-service numbers a profile's changes in commit order under
 * its lock, so no clock is involved), a numbered change always beating one from before versions (0),
 * and between two of those by {@code occurredAt} (at PostgreSQL's microsecond precision; that
 * fallback is all the {@code occurredAt} stamps are kept for, so a key a numbered change wrote keeps
 * none). So a redelivered, replayed or reordered older change cannot roll a key back, even if its
 * clock ran ahead, and still sets the keys no newer change touched. A change's keys are its own: the guard needs
 * nothing but the keys' {@link WrittenBy}, and the parts of one split change (one version, disjoint
 * keys) all apply. Versions count per profile: a merged-away profile's never meet its survivor's,
 * since a merge copies no key's {@link WrittenBy} (the survivor's merged traits arrive as its own
 * ProfileChanged).
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
                if (evaluates(segment, wasKnown, keys(change.traits()), keys(change.computedTraits()))) {
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
            Applied applied = profile.merge(change);
            if (known && applied.isEmpty()) {
                continue; // redelivered, replayed or overtaken: every key is held at a later change
            }
            evaluator.evaluate(key, profile.facts(), profile.members, segments.getOrDefault(change.workspaceId(),
                    List.of()), segment -> evaluates(segment, known, applied.traits(), applied.computedTraits()),
                    transitions);
        }
        return new Result(profiles.values().stream().map(Folding::state).toList(), transitions);
    }

    private static boolean evaluates(SegmentDefinition segment, boolean known, Set<String> traits,
                                     Set<String> computedTraits) {
        return !known || segment.building() || segment.reads(traits, computedTraits, Set.of());
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

    /** The keys a change set or removed: those the guard let through. */
    private record Applied(Set<String> traits, Set<String> computedTraits) {

        boolean isEmpty() {
            return traits.isEmpty() && computedTraits.isEmpty();
        }
    }

    /** One profile while its changes are folded. */
    private static final class Folding {

        private final ProfileKey key;
        private final Map<String, JsonNode> traits;
        private final Map<String, JsonNode> computedTraits;
        private final Map<String, WrittenBy> traitsWrittenBy;
        private final Map<String, WrittenBy> computedTraitsWrittenBy;
        private final Set<String> members;
        private Instant updatedAt;

        Folding(ProfileKey key, ProfileState stored, Set<String> members) {
            this.key = key;
            this.traits = stored == null ? new HashMap<>() : new HashMap<>(stored.traits());
            this.computedTraits = stored == null ? new HashMap<>() : new HashMap<>(stored.computedTraits());
            this.traitsWrittenBy = stored == null ? new HashMap<>() : new HashMap<>(stored.traitsWrittenBy());
            this.computedTraitsWrittenBy = stored == null ? new HashMap<>()
                    : new HashMap<>(stored.computedTraitsWrittenBy());
            this.updatedAt = stored == null ? null : stored.updatedAt();
            this.members = new HashSet<>(members);
        }

        ProfileFacts facts() {
            return new ProfileFacts(traits, computedTraits, members);
        }

        /** Applies the keys of {@code change} that no later change wrote; answers which. */
        Applied merge(ProfileChanged change) {
            // microseconds, as the stamps are stored: a stamp read back compares as it was written
            Instant at = (change.occurredAt() == null ? Instant.now() : change.occurredAt()).truncatedTo(ChronoUnit.MICROS);
            WrittenBy by = new WrittenBy(change.version(), at);
            Applied applied = new Applied(mergeInto(traits, traitsWrittenBy, change.traits(), by),
                    mergeInto(computedTraits, computedTraitsWrittenBy, change.computedTraits(), by));
            if (updatedAt == null || !applied.isEmpty() && at.isAfter(updatedAt)) {
                updatedAt = at;
            }
            return applied;
        }

        ProfileState state() {
            return new ProfileState(key, traits, computedTraits, updatedAt, traitsWrittenBy, computedTraitsWrittenBy);
        }

        private static Set<String> mergeInto(Map<String, JsonNode> current, Map<String, WrittenBy> writtenBy,
                                             Map<String, JsonNode> change, WrittenBy by) {
            if (change == null || change.isEmpty()) {
                return Set.of();
            }
            Set<String> applied = new HashSet<>();
            change.forEach((name, value) -> {
                WrittenBy last = writtenBy.get(name);
                if (last != null && !last.yieldsTo(by)) {
                    return; // a later change wrote this key
                }
                if (value == null || value.isNull() || value.isMissingNode()) {
                    current.remove(name);
                } else {
                    current.put(name, value);
                }
                writtenBy.put(name, by);
                applied.add(name);
            });
            return applied;
        }
    }
}
