package org.opencdp.activation.consent;

/** consent-service's decision for one profile and a destination's purposes. */
public record ConsentDecision(String profileId, boolean allowed, String decisionId) {
}
