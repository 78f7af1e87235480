package org.opencdp.segmentation.segment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencdp.kit.work.BackgroundLoop;
import org.opencdp.segmentation.SegmentationProperties;
import org.opencdp.segmentation.condition.ProfileFacts;
import org.opencdp.segmentation.eventtrait.EventTraits;
import org.opencdp.segmentation.eventtrait.HiddenTraitState;
import org.opencdp.segmentation.eventtrait.ProfileUnavailableException;
import org.opencdp.segmentation.membership.MembershipRepository;
import org.opencdp.segmentation.membership.MembershipTransition;
import org.opencdp.segmentation.membership.MembershipTransitions;
import org.opencdp.segmentation.metrics.SegmentationMetrics;
import org.opencdp.segmentation.profile.ProfileKey;
import org.opencdp.segmentation.profile.ProfileTraits;
import org.opencdp.segmentation.profile.ProfileTraitsRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Builds new and changed segments in the background: a poller claims a {@code building} segment
 * (FOR NO KEY UPDATE SKIP LOCKED, so several instances share the work and never build one segment
 * twice at once), evaluates the next batch of profiles in id order, writes the transitions with
 * their MembershipChanged messages, and moves the segment's cursor and progress, all in one
 * transaction. A crash loses at most the uncommitted batch; the next claim continues from the
 * cursor. After the last batch, members whose profile is no longer known exit and the segment
 * becomes {@code ready}. A segment with {@code event} nodes first waits (phase {@code
 * waiting_for_event_traits}) until profile-service has backfilled their hidden computed traits.
 *
 * <p>A profile whose membership the batch changes is re-evaluated, in the same pass, against the
 * segments that reference this one ({@link SegmentsEvaluator}), so a rebuilt segment moves its
 * dependants too. Batches of one workspace run one at a time ({@link SegmentDefinitionLock#tryForBuild}).
 *
 * <p>Profiles changing during a build: real-time evaluation covers building segments too, and each
 * batch holds FOR SHARE locks on its profiles' rows, so a profile's change and its evaluation in a
 * batch are serialised; whichever runs second sees what the first committed.
 */
@Component
class SegmentBuilder extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(SegmentBuilder.class);

    private final TransactionTemplate transactions;
    private final SegmentRepository segments;
    private final SegmentCatalog catalog;
    private final SegmentDefinitionLock definitionLock;
    private final ProfileTraitsRepository profiles;
    private final MembershipRepository memberships;
    private final MembershipTransitions transitions;
    private final SegmentationProperties.Build settings;
    private final SegmentationMetrics metrics;
    private final SegmentsEvaluator evaluator = new SegmentsEvaluator();
    private final EventTraits eventTraits;

    SegmentBuilder(PlatformTransactionManager transactionManager, SegmentRepository segments, SegmentCatalog catalog,
                   SegmentDefinitionLock definitionLock, ProfileTraitsRepository profiles,
                   MembershipRepository memberships, MembershipTransitions transitions,
                   SegmentationProperties properties, SegmentationMetrics metrics, EventTraits eventTraits) {
        super("segment-builder", properties.build().pollInterval());
        this.transactions = new TransactionTemplate(transactionManager);
        this.segments = segments;
        this.catalog = catalog;
        this.definitionLock = definitionLock;
        this.profiles = profiles;
        this.memberships = memberships;
        this.transitions = transitions;
        this.settings = properties.build();
        this.metrics = metrics;
        this.eventTraits = eventTraits;
    }

    @Override
    protected boolean runRound() {
        return buildBatch();
    }

    /**
     * Builds one batch of one segment; false when no segment needs (or is free for) building. A batch
     * built, its transaction included, is timed as {@code cdp_segmentation_evaluation_seconds{kind="build"}}.
     */
    boolean buildBatch() {
        return metrics.timeIfWorked(SegmentationMetrics.Kind.build, this::buildOneBatch);
    }

    private boolean buildOneBatch() {
        return Boolean.TRUE.equals(transactions.execute(status -> segments.claimBuild().map(claim -> {
            String workspaceId = claim.workspaceId();
            if (claim.phase() == BuildPhase.waiting_for_event_traits && !eventTraitsReady(claim)) {
                return true; // looked, and noted what it waits for; other segments go on
            }
            if (!definitionLock.tryForBuild(workspaceId)) {
                // its definitions are changing, or another batch of the workspace is running: next poll
                status.setRollbackOnly();
                return false;
            }
            List<SegmentDefinition> ordered = catalog.definitions(List.of(workspaceId))
                    .getOrDefault(workspaceId, List.of());
            List<ProfileTraits> batch = profiles.lockBatch(workspaceId, claim.cursor(), settings.batchSize());
            if (!batch.isEmpty()) {
                List<ProfileKey> keys = batch.stream().map(p -> new ProfileKey(workspaceId, p.profileId())).toList();
                Map<ProfileKey, Set<String>> members = memberships.segmentsOf(keys);
                List<MembershipTransition> changes = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    ProfileTraits profile = batch.get(i);
                    Set<String> current = new HashSet<>(members.getOrDefault(keys.get(i), Set.of()));
                    evaluator.evaluate(keys.get(i), new ProfileFacts(profile.traits(), profile.computedTraits(), current),
                            current, ordered, segment -> segment.id().equals(claim.id()), changes);
                }
                transitions.applyAll(changes);
            }
            if (batch.size() < settings.batchSize()) {
                transitions.exitUnknownProfiles(workspaceId, claim.id());
                segments.finishBuild(workspaceId, claim.id(), batch.size());
                log.info("Segment {} of workspace {} is ready", claim.id(), workspaceId);
            } else {
                segments.advanceBuild(workspaceId, claim.id(), batch.getLast().profileId(), batch.size());
            }
            return true;
        }).orElse(false)));
    }

    /**
     * Whether the hidden traits of the claimed segment's {@code event} nodes are backfilled in
     * profile-service (re-creating any that went missing); if so the build moves on to evaluating,
     * else their states (or why profile-service could not be asked) are stored for the API and the
     * segment is looked at again after a poll interval. The call is made holding only the segment's
     * claim, none of the workspace's locks.
     */
    private boolean eventTraitsReady(SegmentRepository.BuildClaim claim) {
        ArrayNode waiting = JsonNodeFactory.instance.arrayNode();
        try {
            List<HiddenTraitState> states = eventTraits.check(claim.workspaceId(), claim.condition());
            if (states.stream().allMatch(HiddenTraitState::ready)) {
                segments.startEvaluating(claim.workspaceId(), claim.id());
                return true;
            }
            states.stream().filter(state -> !state.ready()).forEach(state -> waiting.addObject()
                    .put("key", state.key()).put("status", state.status()).put("processed", state.processed())
                    .put("total", state.total()));
        } catch (ProfileUnavailableException e) {
            waiting.addObject().put("status", "profile_unavailable").put("detail", e.getMessage());
        }
        segments.waitForEventTraits(claim.workspaceId(), claim.id(), waiting,
                Instant.now().plus(settings.pollInterval()));
        return false;
    }
}
