package org.opencdp.contracts;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One service's answer to a privacy command: done or failed, and for an export the data it holds.
 * Topic {@link Topics#PRIVACY_ACKS}.
 */
public record PrivacyCommandAcknowledged(
        UUID id,
        String workspaceId,
        Instant occurredAt,
        UUID requestId,
        String service,
        Outcome outcome,
        String detail,
        JsonNode export) implements CdpMessage {

    /** Whether the service carried the command out. */
    public enum Outcome {
        DONE, FAILED
    }

    @Override
    public String topic() {
        return Topics.PRIVACY_ACKS;
    }

    @Override
    public String key() {
        return Topics.key(workspaceId, requestId.toString());
    }

    @Override
    public String subject() {
        return requestId.toString();
    }
}
