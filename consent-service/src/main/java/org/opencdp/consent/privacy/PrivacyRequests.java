package org.opencdp.consent.privacy;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencdp.contracts.Identifier;
import tools.jackson.databind.JsonNode;

/** The bodies of {@code POST /v1/privacy/requests} and {@code GET /v1/privacy/requests/{id}}. */
final class PrivacyRequests {

    /**
     * A privacy request: its type and its subject, exactly one of {@code profileId} and {@code
     * identifier} (as in {@code PUT /v1/consent}).
     *
     * @param type {@code ERASE}, {@code ACCESS}, {@code SUPPRESS} or {@code ERASE_AND_SUPPRESS}
     */
    record CreatePrivacyRequest(String type, @Size(max = 255) String profileId, @Valid IdentifierRequest identifier) {
    }

    record IdentifierRequest(@NotBlank @Size(max = 64) String type, @NotBlank @Size(max = 1024) String value) {
    }

    /**
     * A request and where it stands.
     *
     * @param profileIds every profile id of the person the commands named (merged-away ids included)
     * @param services each service's part: status, its detail, when it acknowledged
     * @param export for {@code ACCESS}: what the services that acknowledged sent, by service
     */
    record PrivacyRequestResponse(UUID id, String type, String status, String profileId, Identifier identifier,
                                  List<String> profileIds, Map<String, ServiceStatus> services, Instant createdAt,
                                  Instant completedAt, JsonNode export) {
    }

    record ServiceStatus(String status, String detail, Instant acknowledgedAt) {
    }

    private PrivacyRequests() {
    }
}
