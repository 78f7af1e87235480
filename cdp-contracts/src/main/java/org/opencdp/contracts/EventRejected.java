package org.opencdp.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * An event refused after acceptance (tracking plan, suppression) or refused inside a batch, with
 * the reasons. {@code event} is the event as sent, except for suppressed people: then it is cut down
 * to its type and messageId and {@code personId} is null, so the topic never names them. Topic
 * {@link Topics#REJECTED_EVENTS}.
 */
public record EventRejected(
        UUID id,
        String workspaceId,
        String sourceId,
        Instant occurredAt,
        String personId,
        JsonNode event,
        List<Reason> reasons) implements CdpMessage {

    /** One reason: a stable code, a human message and where in the event (JSON pointer), if known. */
    public record Reason(String code, String message, String path) {
    }

    @Override
    public String topic() {
        return Topics.REJECTED_EVENTS;
    }

    @Override
    public String key() {
        return Topics.key(workspaceId, personId == null ? "unknown" : personId);
    }

    @Override
    public String subject() {
        return personId == null ? "unknown" : personId;
    }
}
