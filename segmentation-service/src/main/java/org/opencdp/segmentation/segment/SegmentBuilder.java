package org.opencdp.segmentation.segment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencdp.kit.work.BackgroundLoop;
import org.opencdp.segmentation.SegmentationProperties;
import org.opencdp.segmentation.condition.ProfileFacts;
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

/**
 * Builds new and changed segments in the background: a poller claims a {@code building} segment
 * (FOR NO KEY UPDATE SKIP LOCKED, so several instances share the work and never build one segment
 * twice at once), evaluates the next batch of profiles in id order, writes the transitions with
 * their MembershipChanged messages, and moves the segment's cursor and progress, all in one
 * transaction. A crash loses at most the uncommitted batch; the next claim continues from the
 * cursor. After the last batch, members whose profile is no longer known exit and the segment
 * becomes {@code ready}.
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

    SegmentBuilder(PlatformTransactionManager transactionManager, SegmentRepository segments, SegmentCatalog catalog,
                   SegmentDefinitionLock definitionLock, ProfileTraitsRepository profiles,
                   MembershipRepository memberships, MembershipTransitions transitions,
                   SegmentationProperties properties, SegmentationMetrics metrics) {
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
}
