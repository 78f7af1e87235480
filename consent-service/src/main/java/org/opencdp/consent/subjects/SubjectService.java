package org.opencdp.consent.subjects;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import org.opencdp.contracts.Identifier;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The people consent is about: the profiles this service has seen and the identifiers (user id,
 * anonymous id) it learned from resolved events, so consent can be given by identifier.
 */
@Service
public class SubjectService {

    /** The identifier types learned from events. */
    public static final String USER_ID = "user_id";
    public static final String ANONYMOUS_ID = "anonymous_id";

    private final SubjectRepository subjects;

    SubjectService(SubjectRepository subjects) {
        this.subjects = subjects;
    }

    /** Records that {@code profileId} exists and is known by {@code identifiers}; within the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void learn(String workspaceId, String profileId, Collection<Identifier> identifiers) {
        subjects.rememberProfile(workspaceId, profileId);
        identifiers.forEach(id -> subjects.upsertIdentifier(workspaceId, id.type(), id.value(), profileId));
    }

    /** Records that {@code profileId} exists (consent was stated for it); within the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void remember(String workspaceId, String profileId) {
        subjects.rememberProfile(workspaceId, profileId);
    }

    /** The profile known by {@code type}/{@code value} in the workspace. */
    public Optional<String> resolve(String workspaceId, String type, String value) {
        return subjects.findProfile(workspaceId, type, value);
    }

    public boolean isKnown(String workspaceId, String profileId) {
        return !subjects.findKnown(workspaceId, Set.of(profileId)).isEmpty();
    }

    /** Which of {@code profileIds} this service has seen in the workspace. */
    public Set<String> known(String workspaceId, Collection<String> profileIds) {
        return subjects.findKnown(workspaceId, profileIds);
    }
}
