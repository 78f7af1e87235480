package org.opencdp.consent.decisions;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The bodies of the decision API other than a decision's request and answer, which are activation's
 * contract ({@link org.opencdp.contracts.ConsentDecisionRequest}, {@link org.opencdp.contracts.ConsentDecisions}).
 */
final class DecisionRequests {

    /**
     * {@code GET /v1/consent/decisions/{id}}: a stored decision and what it rested on.
     *
     * @param basis per purpose: its status and either the statement relied on (granted, source,
     *     legalBasis, jurisdiction, occurredAt) or the default's jurisdiction
     * @param mergedInto the survivor whose consent decided, when {@code profileId} had been merged away
     */
    record StoredDecisionResponse(UUID decisionId, String profileId, String decision, Map<String, String> purposes,
                                  String jurisdiction, boolean profileKnown, String requestedBy, JsonNode basis,
                                  Instant decidedAt, String mergedInto) {
    }

    private DecisionRequests() {
    }
}
