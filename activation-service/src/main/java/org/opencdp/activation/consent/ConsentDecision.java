package org.opencdp.activation.consent;

import java.util.Map;

/**
 * consent-service's decision for one profile and a destination's purposes, with each purpose's
 * status as it answered ({@code granted}, {@code denied}, {@code default_granted}, {@code
 * default_denied}; empty when it gave none).
 */
public record ConsentDecision(String profileId, boolean allowed, String decisionId, Map<String, String> purposes) {

    public ConsentDecision {
        purposes = purposes == null ? Map.of() : Map.copyOf(purposes);
    }
}
