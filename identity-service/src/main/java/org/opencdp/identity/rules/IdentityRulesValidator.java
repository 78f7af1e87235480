package org.opencdp.identity.rules;

import static org.opencdp.kit.problem.InvalidField.pointerTo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.opencdp.contracts.IdentifierTypes;
import org.opencdp.contracts.IdentifierValues;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ValidationErrors;

/** Checks a rules request and turns it into complete rules, or answers {@code invalid_identity_rules} with every error. */
final class IdentityRulesValidator {

    static final int MAX_LIMIT = 1_000_000;
    static final int MAX_PRIORITY = 1000;
    static final int MAX_TYPES = 100;
    static final int MAX_BLOCKED_VALUES = 1000;
    static final int MAX_BLOCKED_PATTERNS = 100;
    static final int MAX_BLOCKED_LENGTH = 512;
    static final int MAX_CUSTOM_IDENTIFIERS = 20;
    static final int MAX_PATHS = 5;
    static final int MAX_MERGES_CAP = 100_000;

    private static final Pattern PATH = Pattern.compile("(traits|context|properties)(\\.[A-Za-z0-9_$\\-]{1,64}){1,5}");

    private final ValidationErrors errors = new ValidationErrors();

    static IdentityRules validate(IdentityRulesRequest request) {
        return new IdentityRulesValidator().check(request);
    }

    private IdentityRules check(IdentityRulesRequest request) {
        if (request == null) {
            throw CdpException.badRequest("invalid_identity_rules", "The body must be an identity rules document.")
                    .with("errors", List.of());
        }
        IdentityRules defaults = IdentityRules.defaults();
        Map<String, IdentifierRule> identifiers = identifiers(request.identifiers());
        String region = region(request.defaultRegion());
        List<String> blockedValues = blockedValues(request.blockedValues());
        List<String> blockedPatterns = blockedPatterns(request.blockedPatterns());
        List<CustomIdentifier> custom = customIdentifiers(request.customIdentifiers());
        Caps caps = caps(request.caps(), defaults.caps());
        errors.throwIfAny("invalid_identity_rules", "The identity rules break " + errors.size() + " rule(s); see errors.");
        return new IdentityRules(identifiers, region, blockedValues, blockedPatterns, custom, caps);
    }

    private Map<String, IdentifierRule> identifiers(Map<String, IdentityRulesRequest.IdentifierRuleRequest> requested) {
        Map<String, IdentifierRule> rules = new LinkedHashMap<>(IdentityRules.defaultIdentifiers());
        if (requested == null) {
            return rules;
        }
        if (requested.size() > MAX_TYPES) {
            error(pointerTo("identifiers"), "at most " + MAX_TYPES + " identifier types");
        }
        requested.forEach((type, rule) -> {
            String field = pointerTo("identifiers", type);
            if (!IdentifierTypes.isWellFormed(type)) {
                error(field, "an identifier type is " + IdentifierTypes.nameRule());
                return;
            }
            if (rule == null) {
                error(field, "must be an object with a priority and an optional limit");
                return;
            }
            if (rule.limit() != null && (rule.limit() < 1 || rule.limit() > MAX_LIMIT)) {
                error(field + "/limit", "must be between 1 and " + MAX_LIMIT + ", or null for no limit");
            }
            if (rule.priority() == null) {
                error(field + "/priority", "is required");
            } else if (rule.priority() < 1 || rule.priority() > MAX_PRIORITY) {
                error(field + "/priority", "must be between 1 (highest) and " + MAX_PRIORITY);
            } else {
                rules.put(type, new IdentifierRule(rule.limit(), rule.priority()));
            }
        });
        return rules;
    }

    private String region(String region) {
        if (region == null || region.isBlank()) {
            return null;
        }
        String upper = region.trim().toUpperCase(Locale.ROOT);
        if (!IdentifierValues.isPhoneRegion(upper)) {
            error(pointerTo("defaultRegion"), "must be an ISO 3166-1 alpha-2 region with a phone numbering plan, e.g. US or DE");
        }
        return upper;
    }

    private List<String> blockedValues(List<String> values) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > MAX_BLOCKED_VALUES) {
            error(pointerTo("blockedValues"), "at most " + MAX_BLOCKED_VALUES + " values");
        }
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (value == null || value.length() > MAX_BLOCKED_LENGTH) {
                error(pointerTo("blockedValues", i), "must be a string of at most " + MAX_BLOCKED_LENGTH + " characters");
            }
        }
        return values.stream().filter(v -> v != null).distinct().toList();
    }

    private List<String> blockedPatterns(List<String> patterns) {
        if (patterns == null) {
            return List.of();
        }
        if (patterns.size() > MAX_BLOCKED_PATTERNS) {
            error(pointerTo("blockedPatterns"), "at most " + MAX_BLOCKED_PATTERNS + " patterns");
        }
        for (int i = 0; i < patterns.size(); i++) {
            String pattern = patterns.get(i);
            String field = pointerTo("blockedPatterns", i);
            if (pattern == null || pattern.isEmpty() || pattern.length() > MAX_BLOCKED_LENGTH) {
                error(field, "must be a regular expression of 1 to " + MAX_BLOCKED_LENGTH + " characters");
                continue;
            }
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                error(field, "is not a valid regular expression: " + e.getDescription());
            }
        }
        return patterns.stream().filter(p -> p != null).distinct().toList();
    }

    private List<CustomIdentifier> customIdentifiers(List<IdentityRulesRequest.CustomIdentifierRequest> requested) {
        if (requested == null) {
            return List.of();
        }
        if (requested.size() > MAX_CUSTOM_IDENTIFIERS) {
            error(pointerTo("customIdentifiers"), "at most " + MAX_CUSTOM_IDENTIFIERS + " custom identifiers");
        }
        List<CustomIdentifier> custom = new ArrayList<>();
        Set<String> types = new HashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            var identifier = requested.get(i);
            String field = pointerTo("customIdentifiers", i);
            if (identifier == null) {
                error(field, "must be an object with a type and paths");
                continue;
            }
            boolean valid = true;
            if (!IdentifierTypes.isWellFormed(identifier.type())) {
                error(field + "/type", "an identifier type is " + IdentifierTypes.nameRule());
                valid = false;
            } else if (IdentifierTypes.BUILT_IN.contains(identifier.type())) {
                error(field + "/type", "'" + identifier.type() + "' is a built-in type; choose another name");
                valid = false;
            } else if (!types.add(identifier.type())) {
                error(field + "/type", "'" + identifier.type() + "' is declared twice");
                valid = false;
            }
            List<String> paths = identifier.paths();
            if (paths == null || paths.isEmpty() || paths.size() > MAX_PATHS) {
                error(field + "/paths", "must list 1 to " + MAX_PATHS + " paths");
                valid = false;
            } else {
                for (int p = 0; p < paths.size(); p++) {
                    if (paths.get(p) == null || !PATH.matcher(paths.get(p)).matches()) {
                        error(field + "/paths/" + p, "must be a dotted path under traits, context or "
                                + "properties, e.g. traits.crm_id (at most 5 keys)");
                        valid = false;
                    }
                }
            }
            if (valid) {
                custom.add(new CustomIdentifier(identifier.type(), paths));
            }
        }
        return custom;
    }

    private Caps caps(IdentityRulesRequest.CapsRequest requested, Caps defaults) {
        if (requested == null) {
            return defaults;
        }
        int merges = requested.maxMergesPerProfile() == null
                ? defaults.maxMergesPerProfile() : requested.maxMergesPerProfile();
        int identifiers = requested.maxIdentifiersPerProfile() == null
                ? defaults.maxIdentifiersPerProfile() : requested.maxIdentifiersPerProfile();
        if (merges < 0 || merges > MAX_MERGES_CAP) {
            error(pointerTo("caps", "maxMergesPerProfile"), "must be between 0 (never merge) and " + MAX_MERGES_CAP);
        }
        if (identifiers < 1 || identifiers > MAX_LIMIT) {
            error(pointerTo("caps", "maxIdentifiersPerProfile"), "must be between 1 and " + MAX_LIMIT);
        }
        return new Caps(merges, identifiers);
    }

    private void error(String pointer, String message) {
        errors.add(pointer, message);
    }

    private IdentityRulesValidator() {
    }
}
