package org.opencdp.profile.computed;

import java.time.Instant;
import java.util.Objects;
import org.opencdp.profile.profiles.ProfileRef;
import tools.jackson.databind.JsonNode;

/**
 * A newly stored track event as computed traits see it: the live profile it was stored for, its
 * name, properties, event time and messageId (which orders events of the same time).
 */
public record TrackedEvent(ProfileRef profile, String messageId, String name, JsonNode properties,
                           Instant occurredAt) {

    public TrackedEvent {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    EventName eventName() {
        return new EventName(profile.workspaceId(), name);
    }
}
