package org.opencdp.segmentation.membership;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import org.opencdp.contracts.MembershipChanged;
import org.opencdp.contracts.MembershipChanged.Transition;
import org.opencdp.kit.outbox.Outbox;
import org.opencdp.segmentation.membership.MembershipTransition.Removed;
import org.opencdp.segmentation.metrics.SegmentationMetrics;
import org.opencdp.segmentation.profile.ProfileKey;
import org.opencdp.segmentation.membership.MembershipRepository.MembershipKey;
import org.opencdp.segmentation.membership.MembershipRepository.NetChange;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;

/**
 * Turns evaluation results into membership changes: on a real transition it writes the membership
 * row (version + 1) and appends {@link MembershipChanged} to the outbox, in the caller's
 * transaction, so the row and the message commit together. Every change it publishes is counted
 * ({@link SegmentationMetrics#changed}, once the transaction commits).
 */
@Component
public class MembershipTransitions {

    private final MembershipRepository memberships;
    private final Outbox outbox;
    private final SegmentationMetrics metrics;

    MembershipTransitions(MembershipRepository memberships, Outbox outbox, SegmentationMetrics metrics) {
        this.memberships = memberships;
        this.outbox = outbox;
        this.metrics = metrics;
    }

    /**
     * Brings the profile's membership in line with {@code matches}. {@code member} is what the caller
     * read before (a hint that skips the write when nothing changes); the write itself re-checks it.
     */
    public void reconcile(String workspaceId, String segmentId, String profileId, boolean matches, boolean member) {
        if (matches == member) {
            return;
        }
        Instant now = now();
        OptionalLong version = matches ? memberships.enter(workspaceId, segmentId, profileId, now)
                : memberships.exit(workspaceId, segmentId, profileId, now);
        version.ifPresent(v -> {
            publish(workspaceId, segmentId, profileId, matches ? Transition.entered : Transition.exited, v, now);
            metrics.changed(matches ? 1 : 0, matches ? 0 : 1);
        });
    }

    /**
     * Writes {@code transitions} (in the order they happened; several may concern one membership) with
     * one statement for the membership rows and one for the outbox, whatever their number. Each
     * MembershipChanged carries the version its row had after that transition, exactly as writing
     * them one at a time would. The caller read the rows' state while holding the profiles' locks; a
     * row found otherwise means that read went stale, and the chunk is run again.
     */
    public void applyAll(List<MembershipTransition> transitions) {
        if (transitions.isEmpty()) {
            return;
        }
        Map<MembershipKey, NetChange> net = new LinkedHashMap<>();
        for (MembershipTransition t : transitions) {
            MembershipKey key = new MembershipKey(t.workspaceId(), t.segmentId(), t.profileId());
            NetChange before = net.get(key);
            net.put(key, new NetChange(key, t.entered(), before == null ? 1 : before.transitions() + 1));
        }
        Instant now = now();
        Map<MembershipKey, Long> versions = memberships.write(List.copyOf(net.values()), now);
        if (versions.size() != net.size()) {
            throw new OptimisticLockingFailureException((net.size() - versions.size())
                    + " membership row(s) changed since they were read");
        }
        // each row's version before the chunk; every transition then raises it by one
        Map<MembershipKey, Long> reached = new HashMap<>();
        net.forEach((key, change) -> reached.put(key, versions.get(key) - change.transitions()));
        List<MembershipChanged> messages = new ArrayList<>(transitions.size());
        for (MembershipTransition t : transitions) {
            long version = reached.merge(new MembershipKey(t.workspaceId(), t.segmentId(), t.profileId()), 1L, Long::sum);
            messages.add(new MembershipChanged(UUID.randomUUID(), t.workspaceId(), now, t.segmentId(), t.profileId(),
                    t.entered() ? Transition.entered : Transition.exited, version));
        }
        outbox.appendAll(messages);
        long entered = transitions.stream().filter(MembershipTransition::entered).count();
        metrics.changed(entered, transitions.size() - entered);
    }

    /**
     * Removes every membership row of profiles that are gone for good (merged away, or erased by a
     * privacy command) and publishes an exit (version + 1) for each segment they were members of, in
     * one statement each; returns the rows removed (current memberships and former ones).
     */
    public List<Removed> removeProfiles(Collection<ProfileKey> gone) {
        Instant now = now();
        List<Removed> removed = memberships.deleteProfiles(gone);
        List<MembershipChanged> exits = removed.stream()
                .filter(Removed::member)
                .sorted(Comparator.comparing(Removed::profileId).thenComparing(Removed::segmentId))
                .map(r -> new MembershipChanged(UUID.randomUUID(), r.workspaceId(), now, r.segmentId(), r.profileId(),
                        Transition.exited, r.version() + 1))
                .toList();
        outbox.appendAll(exits);
        metrics.changed(0, exits.size());
        return removed;
    }

    /** Exits the members whose profile segmentation no longer knows (end of a build). */
    public void exitUnknownProfiles(String workspaceId, String segmentId) {
        Instant now = now();
        List<Membership> exits = memberships.exitUnknownProfiles(workspaceId, segmentId, now);
        for (Membership exited : exits) {
            publish(workspaceId, segmentId, exited.profileId(), Transition.exited, exited.version(), now);
        }
        metrics.changed(0, exits.size());
    }

    /** Publishes an exit for every current member of a segment that is being deleted; returns how many. */
    public int exitAllForDeletion(String workspaceId, String segmentId) {
        Instant now = now();
        var members = memberships.members(workspaceId, segmentId);
        for (Membership member : members) {
            publish(workspaceId, segmentId, member.profileId(), Transition.exited, member.version() + 1, now);
        }
        metrics.changed(0, members.size());
        return members.size();
    }

    private void publish(String workspaceId, String segmentId, String profileId, Transition transition, long version,
                         Instant at) {
        outbox.append(new MembershipChanged(UUID.randomUUID(), workspaceId, at, segmentId, profileId, transition,
                version));
    }

    /** Now, at the precision PostgreSQL stores, so messages and rows show the same instant. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
