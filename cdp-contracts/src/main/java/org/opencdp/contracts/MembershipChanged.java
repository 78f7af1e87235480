package org.opencdp.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * A profile entered or exited a segment. {@code version} increases with every change of that
 * profile's membership in that segment, so consumers can ignore stale ones. Topic {@link
 * Topics#MEMBERSHIPS}.
 */
public record MembershipChanged(
        UUID id,
        String workspaceId,
        Instant occurredAt,
        String segmentId,
        String profileId,
        Transition transition,
        long version) implements CdpMessage {

    /** Entered or exited; JSON form {@code entered} / {@code exited}. */
    public enum Transition {
        entered, exited
    }

    @Override
    public String topic() {
        return Topics.MEMBERSHIPS;
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
