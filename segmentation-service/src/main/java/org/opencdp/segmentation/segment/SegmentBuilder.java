package org.opencdp.segmentation.segment;

import java.util.List;
import java.util.Set;
import org.opencdp.kit.work.BackgroundLoop;
import org.opencdp.segmentation.SegmentationProperties;
import org.opencdp.segmentation.condition.ConditionEvaluator;
import org.opencdp.segmentation.membership.MembershipRepository;
import org.opencdp.segmentation.membership.MembershipTransitions;
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
 * their MembershipChanged messages, and moves the segment's cursor, all in one transaction. A
 * crash loses at most the uncommitted batch; the next claim continues from the cursor. After the
 * last batch, members whose profile is no longer known exit and the segment becomes {@code ready}.
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
    private final ProfileTraitsRepository profiles;
    private final MembershipRepository memberships;
    private final MembershipTransitions transitions;
    private final SegmentationProperties.Build settings;
    private final ConditionEvaluator evaluator = new ConditionEvaluator();

    SegmentBuilder(PlatformTransactionManager transactionManager, SegmentRepository segments,
                   ProfileTraitsRepository profiles, MembershipRepository memberships,
                   MembershipTransitions transitions, SegmentationProperties properties) {
        super("segment-builder", properties.build().pollInterval());
        this.transactions = new TransactionTemplate(transactionManager);
        this.segments = segments;
        this.profiles = profiles;
        this.memberships = memberships;
        this.transitions = transitions;
        this.settings = properties.build();
    }

    @Override
    protected boolean runRound() {
        return buildBatch();
    }

    /** Builds one batch of one segment; false when no segment needs (or is free for) building. */
    boolean buildBatch() {
        return Boolean.TRUE.equals(transactions.execute(status -> segments.claimBuild().map(claim -> {
            String workspaceId = claim.workspaceId();
            List<ProfileTraits> batch = profiles.lockBatch(workspaceId, claim.cursor(), settings.batchSize());
            if (!batch.isEmpty()) {
                String last = batch.getLast().profileId();
                Set<String> members = memberships.membersBetween(workspaceId, claim.id(), claim.cursor(), last);
                for (ProfileTraits profile : batch) {
                    transitions.reconcile(workspaceId, claim.id(), profile.profileId(),
                            evaluator.matches(claim.condition(), profile.traits()),
                            members.contains(profile.profileId()));
                }
            }
            if (batch.size() < settings.batchSize()) {
                transitions.exitUnknownProfiles(workspaceId, claim.id());
                segments.finishBuild(workspaceId, claim.id());
                log.info("Segment {} of workspace {} is ready", claim.id(), workspaceId);
            } else {
                segments.advanceBuild(workspaceId, claim.id(), batch.getLast().profileId());
            }
            return true;
        }).orElse(false)));
    }
}
