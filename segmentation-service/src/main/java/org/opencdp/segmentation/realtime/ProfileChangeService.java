package org.opencdp.segmentation.realtime;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.kit.inbox.Inbox;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.opencdp.segmentation.condition.ConditionEvaluator;
import org.opencdp.segmentation.membership.MembershipRepository;
import org.opencdp.segmentation.membership.MembershipTransitions;
import org.opencdp.segmentation.profile.ProfileTraitsRepository;
import org.opencdp.segmentation.segment.SegmentDefinition;
import org.opencdp.segmentation.segment.SegmentDefinitionLock;
import org.opencdp.segmentation.segment.SegmentRepository;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * Real-time membership: keeps the profile's traits from each ProfileChanged and re-evaluates the
 * workspace's segments for that profile, writing each transition with its MembershipChanged in the
 * same transaction as the inbox row (a re-delivered message changes nothing).
 *
 * <p>Segments still {@code building} are evaluated too: a profile that changes after the build's
 * batch passed it would otherwise keep a stale membership until its next change. The build and this
 * path are serialised per profile by the profile row lock, and against definition changes by the
 * shared {@link SegmentDefinitionLock}, taken before anything else.
 */
@Service
class ProfileChangeService {

    static final String CONSUMER = "segmentation-profiles";

    private final Inbox inbox;
    private final SegmentDefinitionLock definitionLock;
    private final ProfileTraitsRepository profiles;
    private final SegmentRepository segments;
    private final MembershipRepository memberships;
    private final MembershipTransitions transitions;
    private final ConditionEvaluator evaluator = new ConditionEvaluator();

    ProfileChangeService(Inbox inbox, SegmentDefinitionLock definitionLock, ProfileTraitsRepository profiles,
                         SegmentRepository segments, MembershipRepository memberships,
                         MembershipTransitions transitions) {
        this.inbox = inbox;
        this.definitionLock = definitionLock;
        this.profiles = profiles;
        this.segments = segments;
        this.memberships = memberships;
        this.transitions = transitions;
    }

    @Transactional
    void handle(ProfileChanged message) {
        if (message.profileId() == null || message.profileId().isBlank()) {
            throw new PermanentMessageException("ProfileChanged " + message.id() + " has no profileId");
        }
        if (!inbox.firstDelivery(CONSUMER, message.id())) {
            return;
        }
        String workspaceId = message.workspaceId();
        String profileId = message.profileId();
        definitionLock.forEvaluation(workspaceId);
        Map<String, JsonNode> traits = store(message);
        List<SegmentDefinition> definitions = segments.definitions(workspaceId);
        if (definitions.isEmpty()) {
            return;
        }
        Set<String> current = memberships.segmentsOf(workspaceId, profileId);
        for (SegmentDefinition segment : definitions) {
            transitions.reconcile(workspaceId, segment.id(), profileId,
                    evaluator.matches(segment.condition(), traits), current.contains(segment.id()));
        }
    }

    private Map<String, JsonNode> store(ProfileChanged message) {
        Instant at = message.occurredAt() == null ? Instant.now() : message.occurredAt();
        try {
            return profiles.apply(message.workspaceId(), message.profileId(), message.traits(),
                    message.computedTraits(), at);
        } catch (DataIntegrityViolationException e) {
            // e.g. a \u0000 in a string, which PostgreSQL's jsonb refuses: retrying cannot help
            throw new PermanentMessageException("ProfileChanged " + message.id() + " has traits that cannot be stored", e);
        }
    }
}
