package org.opencdp.profile.identifiers;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.SegmentEvent;
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

    /** Indexes the identifiers of an event stored for {@code profileId} (which the caller has locked). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void recordEvent(String workspaceId, String profileId, SegmentEvent event, Instant occurredAt) {
        List<Identifier> found = Identifiers.of(event);
        if (!found.isEmpty()) {
            identifiers.insertMissing(workspaceId, profileId, found, occurredAt);
        }
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
