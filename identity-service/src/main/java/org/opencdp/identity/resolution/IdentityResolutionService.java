package org.opencdp.identity.resolution;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.EventResolved;
import org.opencdp.identity.IdentityProperties;
import org.opencdp.identity.graph.IdentityLink;
import org.opencdp.identity.graph.IdentityRepository;
import org.opencdp.identity.graph.PersonIdentifier;
import org.opencdp.identity.graph.ProfileRepository;
import org.opencdp.identity.graph.Sighting;
import org.opencdp.kit.inbox.Inbox;
import org.opencdp.kit.outbox.Outbox;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Turns an accepted event into a resolved one: finds or creates the profile of the person the event
 * is about, attaches the event's new identifiers to it and publishes the event with its profile id,
 * all in one transaction with the inbox row, so a re-delivered event changes nothing.
 *
 * <p>Concurrent consumers cannot give one identifier two profiles: an identifier is claimed with
 * {@code INSERT … ON CONFLICT DO NOTHING} on its primary key, and a consumer that loses the claim
 * re-reads the winner's profile and adopts it. Identifiers are written in one fixed order (by
 * type), so two transactions never wait on each other in a cycle.
 */
@Service
class IdentityResolutionService {

    /** The inbox consumer name of resolution. */
    static final String CONSUMER = "identity-resolution";

    private final Inbox inbox;
    private final Outbox outbox;
    private final IdentityRepository identities;
    private final ProfileRepository profiles;
    private final IdentityProperties properties;

    IdentityResolutionService(Inbox inbox, Outbox outbox, IdentityRepository identities, ProfileRepository profiles,
                              IdentityProperties properties) {
        this.inbox = inbox;
        this.outbox = outbox;
        this.identities = identities;
        this.profiles = profiles;
        this.properties = properties;
    }

    @Transactional
    void resolve(EventAccepted message) {
        ResolutionInput input = ResolutionInput.of(message, properties.maxIdentifierLength());
        if (!inbox.firstDelivery(CONSUMER, message.id())) {
            return;
        }
        String profileId = resolveProfile(message.workspaceId(), input);
        outbox.append(new EventResolved(UUID.randomUUID(), message.workspaceId(), profileId, message.sourceId(),
                message.occurredAt(), message.receivedAt(), message.event()));
    }

    /**
     * The profile of the event's user id if known, else of its anonymous id if known, else a new
     * one; the event's identifiers that belong to no profile yet are attached to it.
     *
     * <p>When the user id and the anonymous id already belong to different profiles, the event
     * resolves to the user id's profile and both stay where they are: joining the two profiles is
     * a merge, which comes with identity resolution proper (merges, rules, limits).
     */
    private String resolveProfile(String workspaceId, ResolutionInput input) {
        Sighting sighting = input.sighting();
        Map<PersonIdentifier, IdentityLink> known = identities.find(workspaceId, input.identifiers());
        PersonIdentifier decisive = input.decisive();
        String profileId = known.containsKey(decisive)
                ? known.get(decisive).profileId()
                : claim(workspaceId, decisive, ProfileSelection.select(input.identifiers(), known), sighting);
        for (PersonIdentifier identifier : input.identifiers()) {
            IdentityLink link = known.get(identifier);
            if (link != null) {
                if (sighting.seenAt().isBefore(link.firstSeenAt())) {
                    identities.recordSighting(workspaceId, identifier, sighting);
                }
            } else if (!identifier.equals(decisive) && !identities.attach(workspaceId, identifier, profileId, sighting)) {
                // attached to some profile concurrently: it stays there (see the method comment)
                identities.recordSighting(workspaceId, identifier, sighting);
            }
        }
        return profileId;
    }

    /**
     * Attaches the unknown decisive identifier to {@code existing} (the profile of a lower-priority
     * identifier) or to a new profile. If another transaction attached it first, this waits for that
     * transaction to commit and adopts the profile it chose.
     */
    private String claim(String workspaceId, PersonIdentifier decisive, Optional<String> existing, Sighting sighting) {
        String proposed = existing.orElseGet(() -> UUID.randomUUID().toString());
        if (identities.attach(workspaceId, decisive, proposed, sighting)) {
            if (existing.isEmpty()) {
                profiles.create(workspaceId, proposed);
            }
            return proposed;
        }
        identities.recordSighting(workspaceId, decisive, sighting);
        return identities.profileOf(workspaceId, decisive).orElseThrow(() -> new IllegalStateException(
                "Identifier " + decisive.type().wireName() + " of workspace " + workspaceId
                        + " was claimed concurrently but is gone; retrying"));
    }
}
