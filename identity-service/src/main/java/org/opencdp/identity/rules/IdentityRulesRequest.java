package org.opencdp.identity.rules;

import java.util.List;
import java.util.Map;

/**
 * {@code PUT /v1/identity-rules}: the whole rules document (what {@code GET} answers; its read-only
 * members are ignored). Anything left out takes its default; a listed identifier type needs a
 * priority, and its limit is unlimited when left out or {@code null}.
 */
record IdentityRulesRequest(
        Map<String, IdentifierRuleRequest> identifiers,
        String defaultRegion,
        List<String> blockedValues,
        List<String> blockedPatterns,
        List<CustomIdentifierRequest> customIdentifiers,
        CapsRequest caps) {

    record IdentifierRuleRequest(Integer limit, Integer priority) {
    }

    record CustomIdentifierRequest(String type, List<String> paths) {
    }

    record CapsRequest(Integer maxMergesPerProfile, Integer maxIdentifiersPerProfile) {
    }
}
