package org.opencdp.profile.computed;

import java.util.Objects;

/** A track event name within its workspace: what computed-trait definitions are over. */
public record EventName(String workspaceId, String event) {

    public EventName {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(event, "event");
    }
}
