package org.opencdp.profile.traits;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.opencdp.profile.profiles.ProfileRef;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/** A profile's traits: applying observations by event time, and reading them with provenance. */
@Service
public class TraitService {

    private final TraitRepository traits;

    TraitService(TraitRepository traits) {
        this.traits = traits;
    }

    /**
     * Applies {@code observations} to a profile's traits by {@link TraitResolution} and returns the
     * keys whose value changed, with their new values. Runs in the caller's transaction, which must
     * hold the profile's row lock so two events of one profile never resolve concurrently.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Map<String, JsonNode> apply(String workspaceId, String profileId, List<TraitObservation> observations) {
        if (observations.isEmpty()) {
            return Map.of();
        }
        Set<String> keys = observations.stream().map(TraitObservation::key).collect(Collectors.toSet());
        var outcome = TraitResolution.resolve(traits.find(workspaceId, profileId, keys), observations);
        traits.save(workspaceId, profileId, outcome.accepted().values());
        return outcome.changed();
    }

    /** The trait observations of one event, for the (locked) profile it was stored for. */
    public record EventObservations(ProfileRef profile, List<TraitObservation> observations) {
    }

    /**
     * Applies the observations of a chunk's events, in order, exactly as {@link #apply} one event
     * after the other would: the stored traits of the keys they touch are read once, each event is
     * resolved against the state the events before it left (in memory), and the winners are written
     * once. Returns, for each event (same index), the keys whose value it changed, with their new
     * values. The caller's transaction must hold every profile's row lock.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<Map<String, JsonNode>> applyInOrder(List<EventObservations> events) {
        Map<ProfileRef, Set<String>> keys = new HashMap<>();
        for (EventObservations event : events) {
            event.observations().forEach(o -> keys.computeIfAbsent(event.profile(), p -> new HashSet<>()).add(o.key()));
        }
        if (keys.isEmpty()) {
            return events.stream().map(e -> Map.<String, JsonNode>of()).toList();
        }
        Map<ProfileRef, Map<String, TraitObservation>> current = traits.findAll(keys);
        Map<ProfileRef, Map<String, TraitObservation>> accepted = new HashMap<>();
        List<Map<String, JsonNode>> changes = new ArrayList<>(events.size());
        for (EventObservations event : events) {
            if (event.observations().isEmpty()) {
                changes.add(Map.of());
                continue;
            }
            Map<String, TraitObservation> state = current.computeIfAbsent(event.profile(), p -> new HashMap<>());
            var outcome = TraitResolution.resolve(state, event.observations());
            state.putAll(outcome.accepted());
            accepted.computeIfAbsent(event.profile(), p -> new HashMap<>()).putAll(outcome.accepted());
            changes.add(outcome.changed());
        }
        Map<ProfileRef, Collection<TraitObservation>> toSave = new HashMap<>();
        accepted.forEach((profile, byKey) -> toSave.put(profile, byKey.values()));
        traits.saveAll(toSave);
        return changes;
    }

    /**
     * Folds the traits of merged profiles into the survivor by {@link TraitResolution}, as if every
     * observation had been applied to the survivor (event time decides, whatever profile a value
     * came from), and deletes the merged profiles' traits. Returns the survivor's keys whose value
     * changed. All the profiles must be locked by the caller's transaction.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Map<String, JsonNode> absorb(String workspaceId, String survivorId, List<String> mergedIds) {
        List<TraitObservation> incoming = new ArrayList<>();
        for (String mergedId : mergedIds) {
            incoming.addAll(traits.findAll(workspaceId, mergedId));
            traits.deleteAll(workspaceId, mergedId);
        }
        return apply(workspaceId, survivorId, incoming);
    }

    /** Every trait of a profile with its provenance, sorted by key; removed traits left out. */
    public List<TraitObservation> traitsOf(String workspaceId, String profileId) {
        return traits.findAll(workspaceId, profileId).stream().filter(t -> !t.isRemoval()).toList();
    }
}
