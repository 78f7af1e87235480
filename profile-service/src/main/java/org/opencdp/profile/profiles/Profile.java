package org.opencdp.profile.profiles;

import java.time.Instant;

/** A profile: created by its first event, updated by each new event stored for it. */
public record Profile(String workspaceId, String id, Instant createdAt, Instant updatedAt) {
}
