package org.opencdp.profile.identifiers;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opencdp.contracts.Identifier;
import org.opencdp.profile.profiles.ProfileRef;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The profile service's own index of identifiers, built from the events it stores, so a profile is
 * found by any identifier without asking identity-service (which may be down, and whose graph holds
 * only the identifiers it resolves on).
 */
@Service
public class IdentifierService {

    private final IdentifierRepository identifiers;

    IdentifierService(IdentifierRepository identifiers) {
        this.identifiers = identifiers;
    }

    /** The identifiers of one event, for the (locked) profile it was stored for. */
    public record EventIdentifiers(ProfileRef profile, List<Identifier> identifiers, Instant occurredAt) {
    }

    /**
     * Indexes the identifiers of a chunk's events, in one statement, as indexing them one event after
     * the other would: the first event of the chunk carrying an identifier gives it its
     * profile and first-seen time, unless a profile already holds it.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void recordAll(List<EventIdentifiers> events) {
        Map<List<String>, IdentifierRepository.Seen> first = new LinkedHashMap<>();
        for (EventIdentifiers event : events) {
            for (Identifier identifier : event.identifiers()) {
                first.putIfAbsent(List.of(event.profile().workspaceId(), identifier.type(), identifier.value()),
                        new IdentifierRepository.Seen(event.profile().workspaceId(), identifier,
                                event.profile().profileId(), event.occurredAt()));
            }
        }
        identifiers.insertMissing(List.copyOf(first.values()));
    }

    /** The profile an identifier was seen on, by its raw type and value (normalised here). */
    public Optional<String> profileOf(String workspaceId, String type, String value) {
        return Identifiers.normalise(type, value)
                .flatMap(identifier -> identifiers.profileOf(workspaceId, identifier.type(), identifier.value()));
    }

    /** Moves a merged profile's identifiers to the survivor. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void moveIdentifiers(String workspaceId, String fromProfileId, String toProfileId) {
        identifiers.reassign(workspaceId, fromProfileId, toProfileId);
    }
}
