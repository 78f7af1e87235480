package org.opencdp.identity.rules;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.opencdp.contracts.WorkspaceIdentifierRules;

/**
 * {@code GET/PUT /v1/identity-rules}: the rules in force, with the blocked values every workspace
 * has ({@code defaultBlockedValues}, {@code defaultBlockedPatterns}: read-only), the version (0 for
 * the defaults) and when they were last changed.
 */
record IdentityRulesResponse(
        Map<String, IdentifierRule> identifiers,
        String defaultRegion,
        List<String> blockedValues,
        List<String> blockedPatterns,
        List<String> defaultBlockedValues,
        List<String> defaultBlockedPatterns,
        List<CustomIdentifier> customIdentifiers,
        Caps caps,
        long version,
        Instant updatedAt) {

    static IdentityRulesResponse of(WorkspaceRules workspaceRules) {
        IdentityRules rules = workspaceRules.rules();
        return new IdentityRulesResponse(rules.identifiers(), rules.defaultRegion(), rules.blockedValues(),
                rules.blockedPatterns(), WorkspaceIdentifierRules.DEFAULT_BLOCKED_VALUES,
                WorkspaceIdentifierRules.DEFAULT_BLOCKED_PATTERNS, rules.customIdentifiers(), rules.caps(),
                workspaceRules.version(), workspaceRules.updatedAt());
    }
}
