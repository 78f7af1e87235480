package org.opencdp.contracts;

import java.util.List;
import java.util.Map;

/**
 * The answer of consent-service's {@code POST /v1/consent/decisions}: one decision per profile
 * asked about.
 */
public record ConsentDecisions(List<Decision> decisions) {

    /** The wire value of a decision that lets the data leave. */
    public static final String ALLOW = "allow";
    /** The wire value of a decision that keeps the data in. */
    public static final String DENY = "deny";

    /**
     * One profile's decision.
     *
     * @param decision {@link #ALLOW} or {@link #DENY}
     * @param decisionId the stored decision ({@code GET /v1/consent/decisions/{id}}), to cite with a delivery
     * @param purposes each purpose's status ({@code granted}, {@code default_denied}, …)
     */
    public record Decision(String profileId, String decision, String decisionId, Map<String, String> purposes) {
    }
}
