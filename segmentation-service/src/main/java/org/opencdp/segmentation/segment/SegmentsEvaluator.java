package org.opencdp.segmentation.segment;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.opencdp.segmentation.condition.ConditionEvaluator;
import org.opencdp.segmentation.condition.ProfileFacts;
import org.opencdp.segmentation.membership.MembershipTransition;
import org.opencdp.segmentation.profile.ProfileKey;

/**
 * Evaluates one profile against a workspace's segments, in dependency order (a segment after the
 * segments it references: {@link SegmentCatalog} hands them out so), and records every entry and
 * exit. A segment is evaluated when {@code due} says so, or when a segment it references changed
 * membership in this pass: so a change of membership re-evaluates the segments that reference it,
 * transitively, in one pass. Pure.
 */
public final class SegmentsEvaluator {

    private final ConditionEvaluator evaluator = new ConditionEvaluator();

    /**
     * @param members the profile's current memberships; updated in place with the transitions
     * @param profile the facts to evaluate; its {@code segments} must be {@code members} (a live view)
     * @param ordered the workspace's segments, each after those it references
     * @return whether any membership changed
     */
    public boolean evaluate(ProfileKey key, ProfileFacts profile, Set<String> members, List<SegmentDefinition> ordered,
                            Predicate<SegmentDefinition> due, List<MembershipTransition> transitions) {
        Set<String> changed = new HashSet<>();
        for (SegmentDefinition segment : ordered) {
            if (!due.test(segment) && !segment.reads(Set.of(), Set.of(), changed)) {
                continue;
            }
            boolean matches = evaluator.matches(segment.condition(), profile);
            if (matches != members.contains(segment.id())) {
                if (matches) {
                    members.add(segment.id());
                } else {
                    members.remove(segment.id());
                }
                changed.add(segment.id());
                transitions.add(new MembershipTransition(key.workspaceId(), segment.id(), key.profileId(), matches));
            }
        }
        return !changed.isEmpty();
    }
}
