package org.opencdp.consent.decisions;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** A decision as stored: the purposes asked about, the outcome and its basis document. */
record StoredDecision(UUID id, String profileId, List<String> purposes, String decision, JsonNode basis,
                      Instant decidedAt) {
}
