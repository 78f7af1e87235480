package org.opencdp.identity.resolution;

import java.util.ArrayList;
import java.util.List;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.identity.graph.IdentifierType;
import org.opencdp.identity.graph.PersonIdentifier;
import org.opencdp.identity.graph.Sighting;
import org.opencdp.kit.kafka.PermanentMessageException;

/**
 * What resolution needs from an accepted event: its identifiers in priority order and where it saw
 * them. An event without any identifier, or with one too long to index, can never be resolved: it
 * is a {@link PermanentMessageException} and goes to the dead-letter topic.
 *
 * @param identifiers the event's identifiers, never empty, highest priority first
 * @param sighting the event time, {@code messageId} and source of the event
 */
record ResolutionInput(List<PersonIdentifier> identifiers, Sighting sighting) {

    ResolutionInput {
        identifiers = List.copyOf(identifiers);
    }

    /** The highest-priority identifier: the one whose profile the event resolves to. */
    PersonIdentifier decisive() {
        return identifiers.getFirst();
    }

    static ResolutionInput of(EventAccepted message, int maxIdentifierLength) {
        SegmentEvent event = message.event();
        if (event == null) {
            throw new PermanentMessageException("EventAccepted " + message.id() + " has no event");
        }
        if (message.occurredAt() == null) {
            throw new PermanentMessageException("EventAccepted " + message.id() + " has no occurredAt");
        }
        List<PersonIdentifier> identifiers = new ArrayList<>();
        add(identifiers, IdentifierType.USER_ID, "userId", event.userId(), maxIdentifierLength, message);
        add(identifiers, IdentifierType.ANONYMOUS_ID, "anonymousId", event.anonymousId(), maxIdentifierLength,
                message);
        if (identifiers.isEmpty()) {
            throw new PermanentMessageException("EventAccepted " + message.id()
                    + " has neither a userId nor an anonymousId");
        }
        identifiers.sort(PersonIdentifier.PRIORITY);
        return new ResolutionInput(identifiers,
                new Sighting(message.occurredAt(), event.messageId(), message.sourceId()));
    }

    private static void add(List<PersonIdentifier> identifiers, IdentifierType type, String field, String value,
                            int maxLength, EventAccepted message) {
        if (value == null || value.isBlank()) {
            return;
        }
        if (value.length() > maxLength) {
            throw new PermanentMessageException("EventAccepted " + message.id() + " has a " + field + " of "
                    + value.length() + " characters; at most " + maxLength + " are accepted");
        }
        identifiers.add(new PersonIdentifier(type, value));
    }
}
