package org.opencdp.consent.ledger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.consent.purposes.PurposeKey;
import tools.jackson.databind.JsonNode;

/**
 * Reads Segment's consent object from an event's context: {@code context.consent.categoryPreferences},
 * an object of purpose → boolean. Entries with an invalid key or a non-boolean value are left out
 * and reported, never fatal: one bad category must not cost the person their other preferences.
 *
 * @param preferences the valid entries, purpose → granted, in the order sent
 * @param ignored why each left-out entry was left out (no values, they may be personal)
 */
record CategoryPreferences(Map<String, Boolean> preferences, List<String> ignored) {

    static CategoryPreferences from(JsonNode context, int maxPurposes) {
        Map<String, Boolean> preferences = new LinkedHashMap<>();
        List<String> ignored = new ArrayList<>();
        if (context == null) {
            return new CategoryPreferences(preferences, ignored);
        }
        JsonNode node = context.path("consent").path("categoryPreferences");
        if (node.isMissingNode() || node.isNull()) {
            return new CategoryPreferences(preferences, ignored);
        }
        if (!node.isObject()) {
            ignored.add("categoryPreferences is not an object");
            return new CategoryPreferences(preferences, ignored);
        }
        node.forEachEntry((key, value) -> {
            if (!PurposeKey.isValid(key)) {
                ignored.add("invalid purpose key '" + abbreviate(key) + "'");
            } else if (!value.isBoolean()) {
                ignored.add("purpose '" + key + "' is not true or false");
            } else if (preferences.size() >= maxPurposes) {
                ignored.add("purpose '" + key + "' beyond the limit of " + maxPurposes);
            } else {
                preferences.put(key, value.booleanValue());
            }
        });
        return new CategoryPreferences(preferences, ignored);
    }

    private static String abbreviate(String key) {
        return key.length() > 80 ? key.substring(0, 80) + "…" : key;
    }
}
