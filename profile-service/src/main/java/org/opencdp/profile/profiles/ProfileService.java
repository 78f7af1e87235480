package org.opencdp.profile.profiles;

import java.time.Instant;
import java.util.Collection;
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
 * until its transaction ends. An event locks one live profile (after following redirects without
 * locks); a merge locks all the profiles it names in sorted id order, so two merges, or a merge and
 * an event, cannot wait on each other in a cycle.
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
     * Records that an event was stored for the profile at {@code at}, creating the profile on its
     * first event. When the profile was merged away, the event belongs to the profile it was merged
     * into: returns the id of the live profile, whose row stays locked until the caller's transaction
     * ends (which serialises every change to one profile).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public String recordEvent(String workspaceId, String profileId, Instant at) {
        String current = canonicalId(workspaceId, profileId);
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            String mergedInto = profiles.upsert(workspaceId, current, at);
            if (mergedInto == null) {
                return current;
            }
            current = mergedInto; // merged by a transaction that committed after we read
        }
        throw new IllegalStateException("Profile " + profileId + " redirects more than " + MAX_HOPS + " times");
    }

    /**
     * Locks (creating when missing) each profile of {@code ids} in code point order, the one order
     * every multi-profile lock uses; returns each id's {@code merged_into} (null when live).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Map<String, String> lockAll(String workspaceId, Collection<String> ids, Instant at) {
        Map<String, String> mergedInto = new LinkedHashMap<>();
        for (String id : ids.stream().distinct().sorted(CodePoints.ORDER).toList()) {
            mergedInto.put(id, profiles.upsert(workspaceId, id, at));
        }
        return mergedInto;
    }

    /** Records that {@code id} was merged into {@code survivorId}; both must be locked. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void markMerged(String workspaceId, String id, String survivorId, Instant at) {
        profiles.markMerged(workspaceId, id, survivorId, at);
    }

    /** The id of the live profile that answers for {@code profileId} ({@code profileId} itself unless merged). */
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
