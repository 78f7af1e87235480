package org.opencdp.consent.purposes;

import java.util.Map;

/**
 * The default consent of one purpose per jurisdiction, used when a profile has no explicit record
 * for it. Lookup order: the jurisdiction itself ({@code US-CA}), its parent ({@code US}), then
 * {@code "*"}; nothing configured means opt-in (not granted).
 */
public record PurposeDefaults(Map<String, Boolean> byJurisdiction) {

    /** An undeclared purpose: opt-in everywhere. */
    public static final PurposeDefaults OPT_IN = new PurposeDefaults(Map.of());

    public PurposeDefaults {
        byJurisdiction = Map.copyOf(byJurisdiction);
    }

    /** The default in {@code jurisdiction} (may be {@code null}: unknown). */
    public DefaultConsent in(String jurisdiction) {
        if (jurisdiction != null) {
            String code = Jurisdiction.normalize(jurisdiction);
            Boolean exact = byJurisdiction.get(code);
            if (exact != null) {
                return new DefaultConsent(exact, code);
            }
            String parent = Jurisdiction.parentOf(code);
            if (parent != null && byJurisdiction.containsKey(parent)) {
                return new DefaultConsent(byJurisdiction.get(parent), parent);
            }
        }
        Boolean anywhere = byJurisdiction.get(Jurisdiction.ANYWHERE);
        if (anywhere != null) {
            return new DefaultConsent(anywhere, Jurisdiction.ANYWHERE);
        }
        return new DefaultConsent(false, null);
    }

    /**
     * A default consent and where it came from.
     *
     * @param granted whether the purpose is granted by default
     * @param jurisdiction the configured key that decided ({@code "EU"}, {@code "*"}), or {@code
     *     null} when nothing is configured and the purpose is opt-in
     */
    public record DefaultConsent(boolean granted, String jurisdiction) {
    }
}
