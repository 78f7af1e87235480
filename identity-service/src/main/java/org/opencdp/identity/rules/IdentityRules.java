package org.opencdp.identity.rules;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.contracts.IdentifierTypes;

/**
 * The identity rules of one workspace, complete: every built-in type has a rule, defaults filled in.
 *
 * @param identifiers per identifier type its limit and priority, highest priority first; a type
 *     without an entry is unlimited with priority {@value #UNLISTED_PRIORITY}
 * @param defaultRegion the ISO 3166 region phone numbers without a country code are read in; {@code
 *     null} accepts only international numbers ({@code +…})
 * @param blockedValues values (compared trimmed, case-insensitively) that never become identifiers,
 *     on top of the default ones
 * @param blockedPatterns regular expressions ({@code find} semantics) whose matching values never
 *     become identifiers, on top of the default ones
 * @param customIdentifiers identifier types the workspace declares and where events carry them
 * @param caps per-profile caps on merges and identifiers
 */
public record IdentityRules(
        Map<String, IdentifierRule> identifiers,
        String defaultRegion,
        List<String> blockedValues,
        List<String> blockedPatterns,
        List<CustomIdentifier> customIdentifiers,
        Caps caps) {

    /** The priority of a type the rules do not list. */
    public static final int UNLISTED_PRIORITY = 1000;

    public IdentityRules {
        identifiers = sorted(identifiers);
        blockedValues = List.copyOf(blockedValues);
        blockedPatterns = List.copyOf(blockedPatterns);
        customIdentifiers = List.copyOf(customIdentifiers);
    }

    /** The rules of a workspace that never set any. */
    public static IdentityRules defaults() {
        return new IdentityRules(defaultIdentifiers(), null, List.of(), List.of(), List.of(), Caps.DEFAULT);
    }

    /** user_id: one per profile, priority 1; email: five, priority 2; the other built-in types unlimited. */
    public static Map<String, IdentifierRule> defaultIdentifiers() {
        Map<String, IdentifierRule> rules = new LinkedHashMap<>();
        rules.put(IdentifierTypes.USER_ID, new IdentifierRule(1, 1));
        rules.put(IdentifierTypes.EMAIL, new IdentifierRule(5, 2));
        rules.put(IdentifierTypes.PHONE, new IdentifierRule(null, 3));
        rules.put(IdentifierTypes.DEVICE_ID, new IdentifierRule(null, 4));
        rules.put(IdentifierTypes.ADVERTISING_ID, new IdentifierRule(null, 5));
        rules.put(IdentifierTypes.ANONYMOUS_ID, new IdentifierRule(null, 6));
        return rules;
    }

    /** The rule of {@code type}: its own, or unlimited with the lowest priority. */
    public IdentifierRule ruleFor(String type) {
        IdentifierRule rule = identifiers.get(type);
        return rule != null ? rule : new IdentifierRule(null, UNLISTED_PRIORITY);
    }

    private static Map<String, IdentifierRule> sorted(Map<String, IdentifierRule> rules) {
        Map<String, IdentifierRule> sorted = new LinkedHashMap<>();
        rules.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, IdentifierRule> e) -> e.getValue().priority())
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return java.util.Collections.unmodifiableMap(sorted);
    }
}
