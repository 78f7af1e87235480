package org.opencdp.consent.ledger;

/** The GDPR Art. 6 bases a consent statement may rest on; each constant is its API and database value. */
public enum LegalBasis {
    consent,
    legitimate_interest,
    contract,
    legal_obligation;

    /** The values, as a regular expression for request validation. */
    public static final String WIRE_NAMES = "consent|legitimate_interest|contract|legal_obligation";
}
