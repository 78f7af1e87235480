package org.opencdp.consent.ledger;

import java.util.Arrays;
import java.util.Optional;

/** The GDPR Art. 6 bases a consent statement may rest on, by their wire names. */
public enum LegalBasis {
    CONSENT("consent"),
    LEGITIMATE_INTEREST("legitimate_interest"),
    CONTRACT("contract"),
    LEGAL_OBLIGATION("legal_obligation");

    /** The wire names, as a regular expression for request validation. */
    public static final String WIRE_NAMES = "consent|legitimate_interest|contract|legal_obligation";

    private final String wireName;

    LegalBasis(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<LegalBasis> parse(String wireName) {
        return Arrays.stream(values()).filter(basis -> basis.wireName.equals(wireName)).findFirst();
    }

    static LegalBasis fromColumn(String wireName) {
        return parse(wireName).orElseThrow(() -> new IllegalStateException("Unknown legal basis " + wireName));
    }
}
