package org.opencdp.identity.resolution;

import java.util.ArrayList;
import java.util.List;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.identity.IdentityProperties;
import org.opencdp.contracts.IdentifierTypes;
import org.opencdp.identity.graph.PersonIdentifier;
import org.opencdp.identity.graph.Sighting;
import org.opencdp.identity.rules.WorkspaceRules;
import org.opencdp.kit.kafka.PermanentMessageException;

/**
 * What resolution needs from an accepted event: its identifiers (normalised, blocked and invalid
 * values left out), for an {@code alias} its {@code previousId}, the rules of its workspace and
 * where it saw the identifiers. An event that can never be resolved (no event, no time, no usable
 * identifier, too many identifiers) is a {@link PermanentMessageException}: it goes to the
 * dead-letter topic.
 *
 * @param message the accepted event
 * @param rules the identity rules of the event's workspace
 * @param identifiers the event's own identifiers, in the order found
 * @param previousId the normalised {@code previousId} of an alias, else {@code null}: it may be a
 *     user id or an anonymous id, so resolution looks up both
 * @param sighting the event time, {@code messageId} and source of the event
 */
record ResolutionInput(EventAccepted message, WorkspaceRules rules, List<PersonIdentifier> identifiers,
                       String previousId, Sighting sighting) {

    ResolutionInput {
        identifiers = List.copyOf(identifiers);
    }

    String workspaceId() {
        return message.workspaceId();
    }

    /** Every identifier resolution must lock and look up: the event's, and both readings of a previousId. */
    List<PersonIdentifier> lookups() {
        List<PersonIdentifier> lookups = new ArrayList<>(identifiers);
        if (previousId != null) {
            lookups.add(new PersonIdentifier(IdentifierTypes.USER_ID, previousId));
            lookups.add(new PersonIdentifier(IdentifierTypes.ANONYMOUS_ID, previousId));
        }
        return lookups;
    }

    static ResolutionInput of(EventAccepted message, WorkspaceRules rules, IdentityProperties properties) {
        SegmentEvent event = message.event();
        if (event == null) {
            throw new PermanentMessageException("EventAccepted " + message.id() + " has no event");
        }
        if (message.occurredAt() == null) {
            throw new PermanentMessageException("EventAccepted " + message.id() + " has no occurredAt");
        }
        if (isBlank(event.userId()) && isBlank(event.anonymousId())) {
            throw new PermanentMessageException("EventAccepted " + message.id()
                    + " has neither a userId nor an anonymousId");
        }
        int maxLength = properties.maxIdentifierLength();
        List<PersonIdentifier> identifiers = EventIdentifiers.of(message, rules, maxLength);
        String previousId = event.type() == SegmentEvent.EventType.alias
                ? rules.normalise(IdentifierTypes.USER_ID, event.previousId(), maxLength).orElse(null)
                : null;
        if (identifiers.isEmpty() && previousId == null) {
            throw new PermanentMessageException("EventAccepted " + message.id() + " has no usable identifier: "
                    + "its userId and anonymousId are blocked values and it carries no other identifier");
        }
        if (identifiers.size() > properties.maxIdentifiersPerEvent()) {
            throw new PermanentMessageException("EventAccepted " + message.id() + " carries " + identifiers.size()
                    + " identifiers; at most " + properties.maxIdentifiersPerEvent() + " are accepted");
        }
        return new ResolutionInput(message, rules, identifiers, previousId,
                new Sighting(message.occurredAt(), event.messageId(), message.sourceId()));
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
