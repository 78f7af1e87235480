package org.opencdp.consent.subjects;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.opencdp.contracts.Identifier;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The people consent is about: the profiles this service has seen and the identifiers it learned
 * from resolved events (those every service reads, in the shared normal form), so consent can be
 * given by identifier.
 */
@Service
public class SubjectService {

    private final SubjectRepository subjects;

    SubjectService(SubjectRepository subjects) {
        this.subjects = subjects;
    }

    /**
     * Records what a chunk's events show, in their order: that each profile exists, and that each
     * identifier now belongs to the profile of the last event that carried it (a later resolved
     * event, e.g. after a merge, re-points it). Within the caller's transaction; three statements
     * however many sightings, none of which locks or rewrites a row that does not change.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void learnAll(List<Sighting> sightings) {
        if (sightings.isEmpty()) {
            return;
        }
        SortedSet<KnownProfile> profiles = new TreeSet<>();
        SortedMap<IdentifierKey, String> owners = new TreeMap<>();
        for (Sighting sighting : sightings) {
            profiles.add(new KnownProfile(sighting.workspaceId(), sighting.profileId()));
            sighting.identifiers().forEach(id -> owners.put(
                    new IdentifierKey(sighting.workspaceId(), id.type(), id.value()), sighting.profileId()));
        }
        subjects.rememberProfiles(profiles);
        if (!owners.isEmpty()) {
            subjects.repointIdentifiers(owners);
            subjects.insertIdentifiers(owners);
        }
    }

    /** Records that {@code profileId} exists (consent was stated for it); within the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void remember(String workspaceId, String profileId) {
        subjects.rememberProfiles(new TreeSet<>(Set.of(new KnownProfile(workspaceId, profileId))));
    }

    /** The identifier {@code type}/{@code value} stand for, in the shared normal form; empty when none. */
    public static Optional<Identifier> normalise(String type, String value) {
        return Identifier.normalised(type, value, Identifier.MAX_VALUE_LENGTH);
    }

    /** The profile known by {@code type}/{@code value} (normalised here) in the workspace. */
    public Optional<String> resolve(String workspaceId, String type, String value) {
        return normalise(type, value).flatMap(identifier ->
                subjects.findProfile(workspaceId, identifier.type(), identifier.value()));
    }

    public boolean isKnown(String workspaceId, String profileId) {
        return !subjects.findKnown(workspaceId, Set.of(profileId)).isEmpty();
    }

    /** Which of {@code profileIds} this service has seen in the workspace. */
    public Set<String> known(String workspaceId, Collection<String> profileIds) {
        return subjects.findKnown(workspaceId, profileIds);
    }
}
