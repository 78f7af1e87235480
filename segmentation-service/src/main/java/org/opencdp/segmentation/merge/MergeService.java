package org.opencdp.segmentation.merge;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.opencdp.segmentation.condition.ProfileFacts;
import org.opencdp.segmentation.membership.MembershipRepository;
import org.opencdp.segmentation.membership.MembershipTransition;
import org.opencdp.segmentation.membership.MembershipTransitions;
import org.opencdp.segmentation.profile.ProfileKey;
import org.opencdp.segmentation.profile.ProfileState;
import org.opencdp.segmentation.profile.ProfileTraitsRepository;
import org.opencdp.segmentation.segment.SegmentCatalog;
import org.opencdp.segmentation.segment.SegmentDefinition;
import org.opencdp.segmentation.segment.SegmentDefinitionLock;
import org.opencdp.segmentation.segment.SegmentsEvaluator;
import org.springframework.stereotype.Service;

/**
 * Follows identity's merges (DESIGN invariant 10), a chunk of {@link ProfilesMerged} per
 * transaction with a constant number of statements: the merged-away profiles exit every segment
 * (one {@code exited} per membership, version + 1) and leave no row, only a tombstone that makes
 * later ProfileChanged messages of them (profile-service's own "all keys removed", replays) change
 * nothing, so no ghost can enter a {@code not_exists} segment; each survivor segmentation knows is
 * re-evaluated against every segment. Its merged traits arrive as profile-service's ProfileChanged
 * for the survivor, which real-time evaluation applies like any other. Nothing of a merged-away row
 * is copied into the survivor's, in particular none of its per-key versions (issue 15): they count
 * another profile's changes, and compared with the survivor's would hold back its next change.
 *
 * <p>Statements: the shared definition lock (1), the merged-away ids already gone (merged before,
 * or erased by a privacy command: left alone) (1), the segments (1, +1 after a definition change),
 * the profiles named locked in key order (1), the merged-away memberships removed (1) and their
 * exits appended (1), their rows removed and tombstones written (2), the survivors' memberships
 * (1) and transitions (0–2).
 */
@Service
class MergeService {

    static final String CONSUMER = "segmentation-merges";

    private final SegmentDefinitionLock definitionLock;
    private final SegmentCatalog catalog;
    private final ProfileTraitsRepository profiles;
    private final MembershipRepository memberships;
    private final MembershipTransitions transitions;
    private final SegmentsEvaluator evaluator = new SegmentsEvaluator();

    MergeService(SegmentDefinitionLock definitionLock, SegmentCatalog catalog, ProfileTraitsRepository profiles,
                 MembershipRepository memberships, MembershipTransitions transitions) {
        this.definitionLock = definitionLock;
        this.catalog = catalog;
        this.profiles = profiles;
        this.memberships = memberships;
        this.transitions = transitions;
    }

    /** Checks what can be checked on a message alone; a merge without profiles can never be applied. */
    static ProfilesMerged requireApplicable(ProfilesMerged message) {
        if (message.id() == null) {
            throw new PermanentMessageException("ProfilesMerged has no id");
        }
        if (message.workspaceId() == null || message.survivorId() == null || message.survivorId().isBlank()
                || message.mergedIds() == null || message.mergedIds().isEmpty()
                || message.mergedIds().stream().anyMatch(id -> id == null || id.isBlank())) {
            throw new PermanentMessageException("ProfilesMerged " + message.id()
                    + " needs a workspaceId, a survivorId and non-blank mergedIds");
        }
        return message;
    }

    /** Applies a chunk of merges, set-wise; must run in the chunk's transaction. */
    void apply(List<ProfilesMerged> merges) {
        merges.forEach(MergeService::requireApplicable);
        SortedSet<String> workspaces = new TreeSet<>();
        Map<ProfileKey, String> survivorByMerged = new LinkedHashMap<>();
        Set<ProfileKey> survivors = new LinkedHashSet<>();
        for (ProfilesMerged merge : merges) {
            workspaces.add(merge.workspaceId());
            survivors.add(new ProfileKey(merge.workspaceId(), merge.survivorId()));
            for (String mergedId : merge.mergedIds()) {
                if (!mergedId.equals(merge.survivorId())) {
                    survivorByMerged.put(new ProfileKey(merge.workspaceId(), mergedId), merge.survivorId());
                }
            }
        }
        survivors.removeAll(survivorByMerged.keySet()); // a survivor merged away later in the chunk (a chain)
        definitionLock.forEvaluation(workspaces);
        // merged away before (a replay) or erased by a privacy command: nothing to do, and an erased id
        // must not be written down again, not even as a redirect
        survivorByMerged.keySet().removeAll(profiles.goneForGood(survivorByMerged.keySet()));
        Map<String, List<SegmentDefinition>> segments = catalog.definitions(workspaces);
        Set<ProfileKey> named = new HashSet<>(survivors);
        named.addAll(survivorByMerged.keySet());
        Map<ProfileKey, ProfileState> stored = profiles.lock(named);

        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        transitions.removeProfiles(survivorByMerged.keySet());
        profiles.removeMerged(survivorByMerged, now);

        List<ProfileKey> known = survivors.stream().filter(stored::containsKey).toList();
        Map<ProfileKey, Set<String>> members = memberships.segmentsOf(known);
        List<MembershipTransition> changes = new ArrayList<>();
        for (ProfileKey survivor : known) {
            ProfileState state = stored.get(survivor);
            Set<String> current = new HashSet<>(members.getOrDefault(survivor, Set.of()));
            evaluator.evaluate(survivor, new ProfileFacts(state.traits(), state.computedTraits(), current), current,
                    segments.getOrDefault(survivor.workspaceId(), List.of()), segment -> true, changes);
        }
        transitions.applyAll(changes);
    }
}
