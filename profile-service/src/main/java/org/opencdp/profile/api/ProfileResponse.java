package org.opencdp.profile.api;

import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** {@code GET /v1/profiles/{id}}: the profile and its current trait values. */
record ProfileResponse(String id, Map<String, JsonNode> traits, Instant createdAt, Instant updatedAt) {
}
