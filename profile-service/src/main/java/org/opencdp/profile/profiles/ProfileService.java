package org.opencdp.profile.profiles;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Profiles: created on their first event, merged into a survivor that then answers for them, looked
 * up within one workspace.
 *
 * <p>Locking: every change to a profile holds its row lock ({@code FOR UPDATE} through the upsert)
 * until its transaction ends. A chunk of events locks the live profiles it stores events for (after
 * following redirects without locks), and a merge all the profiles it names, always in {@link
 * ProfileRef#LOCK_ORDER}, so two chunks, or a chunk and a merge, cannot wait on each other in a
 * cycle. Under those locks a transaction numbers the changes it publishes ({@link ChangeVersions},
 * issue 15), which is why every publisher of a profile's changes holds its lock.
 */
@Service
public class ProfileService {

    /** Longest redirect chain followed; merges keep chains far shorter. */
    static final int MAX_HOPS = 64;

    private final ProfileRepository profiles;

    ProfileService(ProfileRepository profiles) {
        this.profiles = profiles;
    }

    /**
     * Records that events were stored for the profiles {@code refs} at {@code at}, creating each
     * profile on its first event. A profile merged away answers with the profile it was merged into:
     * returns, for each ref, the id of the live profile the event belongs to. A ref that leads to an
     * erased profile (a privacy erasure, issue 12) is left out of the answer: its events must not be
     * stored. Those rows stay locked until the caller's transaction ends (which serialises every
     * change to one profile); they are locked in {@link ProfileRef#LOCK_ORDER}. One statement, plus
     * one per round in which a merge committed between reading a redirect chain and locking its end
     * (rare).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Map<ProfileRef, String> recordEvents(Collection<ProfileRef> refs, Instant at) {
        Map<ProfileRef, String> live = new HashMap<>();
        Map<ProfileRef, ProfileRef> pending = new HashMap<>();
        refs.forEach(ref -> pending.put(ref, ref));
        for (int round = 0; round < MAX_HOPS && !pending.isEmpty(); round++) {
            Map<ProfileRef, LockedProfile> touched = profiles.touchAll(pending.values(), at);
            Map<ProfileRef, ProfileRef> next = new HashMap<>();
            pending.forEach((original, current) -> {
                LockedProfile reached = touched.get(current);
                if (reached.erased()) {
                    return; // erased at the person's request: nothing of theirs is stored again
                }
                if (reached.mergedInto() == null) {
                    live.put(original, reached.id());
                } else { // merged by a transaction that committed after the chain was read
                    next.put(original, new ProfileRef(current.workspaceId(), reached.mergedInto()));
                }
            });
            pending.clear();
            pending.putAll(next);
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException("Profile " + pending.keySet().iterator().next().profileId()
                    + " redirects more than " + MAX_HOPS + " times");
        }
        return live;
    }

    /**
     * Locks (creating when missing) each profile of {@code ids} in code point order, the one order
     * every multi-profile lock uses; returns each id's state under the lock, in that order.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Map<String, LockedProfile> lockAll(String workspaceId, Collection<String> ids, Instant at) {
        Map<ProfileRef, LockedProfile> found = profiles.upsertAll(
                ids.stream().map(id -> new ProfileRef(workspaceId, id)).toList(), at);
        Map<String, LockedProfile> locked = new LinkedHashMap<>();
        ids.stream().distinct().sorted(CodePoints.ORDER)
                .forEach(id -> locked.put(id, found.get(new ProfileRef(workspaceId, id))));
        return locked;
    }

    /**
     * Locks (creating when missing) every profile of {@code refs}, of any workspaces, in {@link
     * ProfileRef#LOCK_ORDER}, in one statement: taken first by a chunk that then locks them one
     * group at a time, so its locks follow the one global order.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void lockAll(Collection<ProfileRef> refs, Instant at) {
        profiles.upsertAll(refs, at);
    }

    /**
     * Locks the existing profiles of {@code refs}, in {@link ProfileRef#LOCK_ORDER}, in one statement,
     * creating none and changing nothing: for a job that publishes changes of profiles it found
     * through other rows (a deleted computed trait's values), before it numbers them ({@link
     * ChangeVersions}).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void lockExisting(Collection<ProfileRef> refs) {
        profiles.lockExisting(refs);
    }

    /** Records that {@code id} was merged into {@code survivorId}; both must be locked. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void markMerged(String workspaceId, String id, String survivorId, Instant at) {
        profiles.markMerged(workspaceId, id, survivorId, at);
    }

    /**
     * The id of the live profile that answers for {@code profileId} ({@code profileId} itself unless
     * merged; an erased or unknown one is itself, and {@link #find} finds nothing).
     */
    public String canonicalId(String workspaceId, String profileId) {
        String current = profileId;
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            Optional<Profile> profile = profiles.find(workspaceId, current);
            if (profile.isEmpty() || !profile.get().isMerged()) {
                return current;
            }
            current = profile.get().mergedInto();
        }
        throw new IllegalStateException("Profile " + profileId + " redirects more than " + MAX_HOPS + " times");
    }

    /** The live profile that answers for {@code profileId}: itself, or the profile it was merged into. */
    public Optional<Profile> find(String workspaceId, String profileId) {
        return profiles.find(workspaceId, canonicalId(workspaceId, profileId));
    }

    /** The ids merged into {@code profileId}, directly or transitively, sorted. */
    public List<String> mergedFrom(String workspaceId, String profileId) {
        return profiles.mergedInto(workspaceId, profileId);
    }

    /** Locks a live profile's row for a job that recomputes it; empty when it is gone or merged. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<Profile> lockLive(String workspaceId, String profileId) {
        return profiles.lock(workspaceId, profileId).filter(p -> !p.isMerged());
    }
}
