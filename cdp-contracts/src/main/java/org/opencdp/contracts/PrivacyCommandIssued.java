package org.opencdp.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An erase or export command for one person, sent by consent-service to every service. Each
 * service answers with a {@link PrivacyCommandAcknowledged}. Topic {@link Topics#PRIVACY_COMMANDS}.
 */
public record PrivacyCommandIssued(
        UUID id,
        String workspaceId,
        Instant occurredAt,
        UUID requestId,
        Command command,
        List<String> profileIds,
        List<Identifier> identifiers,
        boolean suppress) implements CdpMessage {

    /** What to do with the person's data. */
    public enum Command {
        ERASE, EXPORT
    }

    @Override
    public String topic() {
        return Topics.PRIVACY_COMMANDS;
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
