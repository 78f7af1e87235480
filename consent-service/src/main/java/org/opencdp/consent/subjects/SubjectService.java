package org.opencdp.consent.subjects;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.opencdp.contracts.Identifier;
import org.opencdp.kit.identifiers.IdentifierRulesView;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The people consent is about: the profiles this service has seen and the identifiers it learned
 * from resolved events (identity's, {@code EventResolved.identifiers()}), so consent can be given,
 * audited and erased by identifier. An identifier a caller writes is read under its workspace's
 * rules ({@link IdentifierRulesView}: phone region, blocked values), as identity read the event's,
 * so a lookup here finds what identity would (issue 14).
 */
@Service
public class SubjectService {

    private final SubjectRepository subjects;
    private final IdentifierRulesView rules;

    SubjectService(SubjectRepository subjects, IdentifierRulesView rules) {
        this.subjects = subjects;
        this.rules = rules;
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

    /**
     * The identifier {@code type}/{@code value} stand for in {@code workspaceId}, as identity reads
     * it under the workspace's rules (a national phone number in its region; a blocked value is
     * none); empty when none. Throws the view's transient {@code IdentifierRulesUnavailableException}
     * (503 over HTTP, a retry in a consumer) while the rules cannot be read.
     */
    public Optional<Identifier> normalise(String workspaceId, String type, String value) {
        return rules.identifier(workspaceId, type, value, Identifier.MAX_VALUE_LENGTH);
    }

    /** The profile known by {@code type}/{@code value} (normalised here, under the workspace's rules) in the workspace. */
    public Optional<String> resolve(String workspaceId, String type, String value) {
        return normalise(workspaceId, type, value).flatMap(identifier -> profileOf(workspaceId, identifier));
    }

    /**
     * The profile known by {@code identifier}, taken as it is: one already in the workspace's normal
     * form (a privacy command's, which consent normalised when the request was made). Not normalised
     * again, so rules changed since (a value blocked later) cannot hide the person from an erasure.
     */
    public Optional<String> profileOf(String workspaceId, Identifier identifier) {
        return subjects.findProfile(workspaceId, identifier.type(), identifier.value());
    }

    /**
     * Each of {@code profileIds} mapped to the profile that holds its consent now: the survivor it
     * was merged into (issue 12), else itself.
     */
    public Map<String, String> canonical(String workspaceId, Collection<String> profileIds) {
        Map<String, String> redirects = profileIds.isEmpty() ? Map.of()
                : subjects.findRedirects(workspaceId, profileIds);
        Map<String, String> canonical = new LinkedHashMap<>();
        profileIds.forEach(id -> canonical.put(id, redirects.getOrDefault(id, id)));
        return canonical;
    }

    /**
     * The profiles of {@code profiles} (of any workspaces) that were merged away, each with the
     * survivor that holds its consent now; one statement.
     */
    public Map<KnownProfile, String> mergedAway(Collection<KnownProfile> profiles) {
        return profiles.isEmpty() ? Map.of() : subjects.findRedirects(profiles);
    }

    /** The profile that holds {@code profileId}'s consent now: its survivor, or itself. */
    public String canonicalId(String workspaceId, String profileId) {
        return canonical(workspaceId, List.of(profileId)).get(profileId);
    }

    /** Which of {@code profileIds} were merged away (each to its survivor). */
    public Map<String, String> redirected(String workspaceId, Collection<String> profileIds) {
        return subjects.findRedirects(workspaceId, profileIds);
    }

    /** Every id of the person whose consent {@code survivorId} holds: itself first, then the ids merged into it. */
    public List<String> allIds(String workspaceId, String survivorId) {
        List<String> ids = new ArrayList<>();
        ids.add(survivorId);
        ids.addAll(subjects.findMergedInto(workspaceId, survivorId));
        return ids;
    }

    /**
     * Records a merge (issue 12): {@code mergedIds} (and whatever redirected to them) redirect to
     * {@code survivorId}, their identifiers belong to it, and it is known. Within the caller's
     * transaction, the profiles locked by the caller.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void merge(String workspaceId, String survivorId, List<String> mergedIds, UUID mergeId) {
        remember(workspaceId, survivorId);
        subjects.redirect(workspaceId, mergedIds, survivorId, mergeId);
        subjects.moveIdentifiers(workspaceId, mergedIds, survivorId);
    }

    /** The identifiers known for {@code profileIds}, as identity resolved them. */
    public List<Identifier> identifiersOf(String workspaceId, Collection<String> profileIds) {
        return subjects.findIdentifiers(workspaceId, profileIds);
    }

    /** Forgets the profiles (erasure): their identifiers, redirects and that they were seen. */
    @Transactional(propagation = Propagation.MANDATORY)
    public int forget(String workspaceId, Collection<String> profileIds) {
        return subjects.forget(workspaceId, profileIds);
    }

    public boolean isKnown(String workspaceId, String profileId) {
        return !subjects.findKnown(workspaceId, Set.of(profileId)).isEmpty();
    }

    /** Which of {@code profileIds} this service has seen in the workspace. */
    public Set<String> known(String workspaceId, Collection<String> profileIds) {
        return subjects.findKnown(workspaceId, profileIds);
    }
}
