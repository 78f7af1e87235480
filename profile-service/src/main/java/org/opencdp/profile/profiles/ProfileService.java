package org.opencdp.profile.profiles;

import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Profiles: created on their first event, looked up within one workspace. */
@Service
public class ProfileService {

    private final ProfileRepository profiles;

    ProfileService(ProfileRepository profiles) {
        this.profiles = profiles;
    }

    /**
     * Records that an event was stored for the profile at {@code at}, creating the profile on its
     * first event. Locks the profile's row until the caller's transaction ends, which serialises
     * every change to one profile.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void recordEvent(String workspaceId, String profileId, Instant at) {
        profiles.upsert(workspaceId, profileId, at);
    }

    public Optional<Profile> find(String workspaceId, String profileId) {
        return profiles.find(workspaceId, profileId);
    }
}
