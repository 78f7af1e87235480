package org.opencdp.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A workspace's identifier rules after a change, as identity-service applies them ({@link
 * WorkspaceIdentifierRules}). The topic is compacted and keyed by workspace, so its latest record
 * per workspace is the rules in force; a workspace without a record uses {@link
 * WorkspaceIdentifierRules#DEFAULT}. Topic {@link Topics#IDENTIFIER_RULES}.
 *
 * @param version incremented by every change of the workspace's rules
 */
public record IdentifierRulesChanged(
        UUID id,
        String workspaceId,
        Instant occurredAt,
        long version,
        String defaultPhoneRegion,
        List<String> blockedValues,
        List<String> blockedPatterns) implements CdpMessage {

    public IdentifierRulesChanged {
        blockedValues = blockedValues == null ? List.of() : List.copyOf(blockedValues);
        blockedPatterns = blockedPatterns == null ? List.of() : List.copyOf(blockedPatterns);
    }

    /** The rules ready to apply. */
    public WorkspaceIdentifierRules rules() {
        return new WorkspaceIdentifierRules(defaultPhoneRegion, blockedValues, blockedPatterns);
    }

    @Override
    public String topic() {
        return Topics.IDENTIFIER_RULES;
    }

    @Override
    public String key() {
        return workspaceId;
    }

    @Override
    public String subject() {
        return workspaceId;
    }
}
