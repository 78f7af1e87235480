package org.opencdp.segmentation.realtime;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.opencdp.segmentation.membership.MembershipRepository;
import org.opencdp.segmentation.membership.MembershipTransitions;
import org.opencdp.segmentation.metrics.SegmentationMetrics;
import org.opencdp.segmentation.profile.ProfileKey;
import org.opencdp.segmentation.profile.ProfileState;
import org.opencdp.segmentation.profile.ProfileTraitsRepository;
import org.opencdp.segmentation.segment.SegmentCatalog;
import org.opencdp.segmentation.segment.SegmentDefinition;
import org.opencdp.segmentation.segment.SegmentDefinitionLock;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;

/**
 * Real-time membership, a chunk of ProfileChanged messages at a time (the kit's batch consumer calls
 * {@link #apply} in the chunk's transaction, with the messages not applied before, in order). Per
 * chunk, whatever its size, at most nine statements (besides the kit's three for offsets and inbox):
 * <ol>
 *   <li>the shared {@link SegmentDefinitionLock} of the chunk's workspaces;</li>
 *   <li>their segments' ids and versions ({@link SegmentCatalog}; plus one read of the conditions it
 *       has not parsed yet, after a segment is created or redefined);</li>
 *   <li>the chunk's profiles' stored traits, locked in key order, and which of them were merged away
 *       or erased by a privacy command (their changes are ignored);</li>
 *   <li>the current memberships of the profiles that need evaluating (skipped when none does);</li>
 *   <li>the profiles' new traits, in one upsert;</li>
 *   <li>the membership rows that changed, and their MembershipChanged messages in the outbox (both
 *       skipped when nothing changed).</li>
 * </ol>
 * The changes are folded and evaluated in memory by {@link ProfileChangeFold}, with the result of
 * applying them one at a time.
 *
 * <p>Segments still {@code building} are evaluated too: a profile that changes after the build's
 * batch passed it would otherwise keep a stale membership until its next change. The build and this
 * path are serialised per profile by the profile row lock, and against definition changes by the
 * shared {@link SegmentDefinitionLock}, taken before anything else.
 */
@Service
class ProfileChangeService {

    static final String CONSUMER = "segmentation-profiles";

    private final SegmentDefinitionLock definitionLock;
    private final SegmentCatalog catalog;
    private final ProfileTraitsRepository profiles;
    private final MembershipRepository memberships;
    private final MembershipTransitions transitions;
    private final SegmentationMetrics metrics;
    private final ProfileChangeFold fold = new ProfileChangeFold();

    ProfileChangeService(SegmentDefinitionLock definitionLock, SegmentCatalog catalog,
                         ProfileTraitsRepository profiles, MembershipRepository memberships,
                         MembershipTransitions transitions, SegmentationMetrics metrics) {
        this.definitionLock = definitionLock;
        this.catalog = catalog;
        this.profiles = profiles;
        this.memberships = memberships;
        this.transitions = transitions;
        this.metrics = metrics;
    }

    /** Checks what can be checked on a message alone; a message without a profile can never be applied. */
    static ProfileChanged requireApplicable(ProfileChanged message) {
        if (message.id() == null) {
            throw new PermanentMessageException("ProfileChanged has no id");
        }
        if (message.workspaceId() == null || message.profileId() == null || message.profileId().isBlank()) {
            throw new PermanentMessageException("ProfileChanged " + message.id() + " has no "
                    + (message.workspaceId() == null ? "workspaceId" : "profileId"));
        }
        if (message.version() < 0) {
            throw new PermanentMessageException("ProfileChanged " + message.id() + " has a negative version");
        }
        return message;
    }

    /**
     * Applies a chunk of changes, set-wise; must run in the chunk's transaction. Its duration is {@code
     * cdp_segmentation_evaluation_seconds{kind="realtime"}} (the kit's {@code cdp_consumer_chunk_seconds}
     * adds the inbox, offsets and commit).
     */
    void apply(List<ProfileChanged> changes) {
        try {
            metrics.time(SegmentationMetrics.Kind.realtime, () -> applyChecked(changes));
        } catch (DataIntegrityViolationException e) {
            // e.g. a \u0000 in a string, which PostgreSQL's jsonb refuses: retrying cannot help. The kit
            // then applies the chunk one message at a time, which pins this on the message at fault.
            throw new PermanentMessageException((changes.size() == 1 ? "ProfileChanged " + changes.getFirst().id()
                    : "A ProfileChanged of this chunk") + " has content PostgreSQL cannot store", e);
        }
    }

    private void applyChecked(List<ProfileChanged> all) {
        all.forEach(ProfileChangeService::requireApplicable);
        SortedSet<String> workspaces = new TreeSet<>();
        Set<ProfileKey> keys = new LinkedHashSet<>();
        for (ProfileChanged change : all) {
            workspaces.add(change.workspaceId());
            keys.add(ProfileChangeFold.keyOf(change));
        }
        definitionLock.forEvaluation(workspaces);
        Map<String, List<SegmentDefinition>> segments = catalog.definitions(workspaces);
        Map<ProfileKey, ProfileState> stored = profiles.lock(keys);
        // a merged-away or erased profile is gone for good: its own last change (all keys null), late
        // changes and replays are ignored
        Set<ProfileKey> gone = profiles.goneForGood(keys);
        List<ProfileChanged> changes = gone.isEmpty() ? all
                : all.stream().filter(c -> !gone.contains(ProfileChangeFold.keyOf(c))).toList();
        Set<ProfileKey> evaluated = fold.evaluated(changes, stored.keySet(), segments);
        Map<ProfileKey, Set<String>> members = memberships.segmentsOf(evaluated);
        ProfileChangeFold.Result result = fold.apply(changes, stored, segments, members);
        profiles.write(result.profiles(), stored.keySet());
        transitions.applyAll(result.transitions());
    }
}
