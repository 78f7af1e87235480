package org.opencdp.consent.audit;

import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One entry to append to the audit log.
 *
 * @param profileId the profile it concerns, if any (a survivor, for a merge)
 * @param subject the identifier it names as {@code type:value} in the normal form, if any (a privacy request by identifier)
 * @param actor who did it: the token's subject, {@code event:<sourceId>}, the statement's source, or a service
 * @param details what was done, as a JSON object
 */
public record AuditEntry(UUID id, String workspaceId, AuditAction action, String profileId, String subject,
                         String actor, JsonNode details) {
}
