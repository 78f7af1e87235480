package org.opencdp.profile.identifiers;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opencdp.contracts.Identifier;
import org.opencdp.kit.identifiers.IdentifierRulesView;
import org.opencdp.profile.profiles.ProfileRef;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The profile service's own index of identifiers: the ones identity-service resolved each stored
 * event with ({@link Identifiers#storable}), so a profile is found by any identifier without asking
 * identity-service (which may be down). A lookup reads the identifier it is given under the
 * caller's workspace's identifier rules ({@link IdentifierRulesView}: phone region, blocked values),
 * as identity reads it, so it finds what identity would find.
 */
@Service
public class IdentifierService {

    private final IdentifierRepository identifiers;
    private final IdentifierRulesView rules;

    IdentifierService(IdentifierRepository identifiers, IdentifierRulesView rules) {
        this.identifiers = identifiers;
        this.rules = rules;
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

    /**
     * The profile an identifier was seen on, by its type and value as a caller wrote them: read under
     * the workspace's identifier rules as identity reads them (a national phone number in the
     * workspace's region, {@code iOS.IDFA} as {@code ios.idfa}). Empty when no profile holds it, or
     * when it is no identifier in this workspace (invalid for its type, blocked, longer than this
     * service keeps). Throws the view's transient exception while the rules cannot be read.
     */
    public Optional<String> profileOf(String workspaceId, String type, String value) {
        return normalised(workspaceId, type, value)
                .flatMap(identifier -> identifiers.profileOf(workspaceId, identifier.type(), identifier.value()));
    }

    /** {@code type}/{@code value} in the workspace's normal form, as identity would store them; empty when it has none. */
    public Optional<Identifier> normalised(String workspaceId, String type, String value) {
        return rules.identifier(workspaceId, type, value, Identifiers.MAX_VALUE_LENGTH)
                .filter(Identifiers::isStorable);
    }

    /** Moves a merged profile's identifiers to the survivor. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void moveIdentifiers(String workspaceId, String fromProfileId, String toProfileId) {
        identifiers.reassign(workspaceId, fromProfileId, toProfileId);
    }
}
