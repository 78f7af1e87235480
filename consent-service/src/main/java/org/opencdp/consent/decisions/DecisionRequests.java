package org.opencdp.consent.decisions;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** The bodies of the decision API. */
final class DecisionRequests {

    /** The most profiles one request may ask about. */
    static final int MAX_PROFILES = 1000;

    /**
     * {@code POST /v1/consent/decisions}.
     *
     * @param jurisdiction where the defaults apply ({@code EU}, {@code US-CA}); none means the
     *     {@code "*"} default
     */
    record DecisionRequest(
            @NotEmpty @Size(max = 100) List<@NotBlank String> purposes,
            @NotNull @Size(max = MAX_PROFILES) List<@NotBlank @Size(max = 200) String> profileIds,
            String jurisdiction) {
    }

    record DecisionsResponse(List<DecisionResponse> decisions) {
    }

    /** One profile's decision; {@code purposes} maps each purpose to its status ({@code granted}, {@code default_denied}, …). */
    record DecisionResponse(String profileId, String decision, UUID decisionId, Map<String, String> purposes) {
    }

    /**
     * {@code GET /v1/consent/decisions/{id}}: a stored decision and what it rested on.
     *
     * @param basis per purpose: its status and either the statement relied on (granted, source,
     *     legalBasis, jurisdiction, occurredAt) or the default's jurisdiction
     */
    record StoredDecisionResponse(UUID decisionId, String profileId, String decision, Map<String, String> purposes,
                                  String jurisdiction, boolean profileKnown, String requestedBy, JsonNode basis,
                                  Instant decidedAt) {
    }

    private DecisionRequests() {
    }
}
