package org.opencdp.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An accepted event with its canonical profile id. Topic {@link Topics#RESOLVED_EVENTS}.
 *
 * @param identifiers the person's identifiers this event carried, as identity-service resolved it:
 *     normalised under the workspace's rules (phone region, blocked values) and with the workspace's
 *     custom identifiers, sorted by type then value. Consumers read these instead of the event's
 *     fields, so every service keeps identity's identifiers. A message written before this field
 *     existed gets the event's standard fields under the default rules.
 */
public record EventResolved(
        UUID id,
        String workspaceId,
        String profileId,
        String sourceId,
        Instant occurredAt,
        Instant receivedAt,
        SegmentEvent event,
        List<Identifier> identifiers) implements CdpMessage {

    public EventResolved {
        identifiers = identifiers != null ? List.copyOf(identifiers)
                : event == null ? List.of()
                : WorkspaceIdentifierRules.DEFAULT.identifiersOf(event, Identifier.MAX_VALUE_LENGTH);
    }

    /** The message as a service outside identity builds it (tests, tools): identifiers under the default rules. */
    public EventResolved(UUID id, String workspaceId, String profileId, String sourceId, Instant occurredAt,
                         Instant receivedAt, SegmentEvent event) {
        this(id, workspaceId, profileId, sourceId, occurredAt, receivedAt, event, null);
    }

    @Override
    public String topic() {
        return Topics.RESOLVED_EVENTS;
    }

    @Override
    public String key() {
        return Topics.key(workspaceId, profileId);
    }

    @Override
    public String subject() {
        return profileId;
    }
}
