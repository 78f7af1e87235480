package org.opencdp.consent.audit;

/** What an audit entry records; each constant is its API and database value. */
public enum AuditAction {
    /** A consent statement appended to the ledger (from the API or an event). */
    consent_recorded,
    /** Profiles merged into a survivor; their consent folded into its. */
    profiles_merged,
    /** A privacy request accepted. */
    privacy_requested,
    /** A service acknowledged a privacy request's command. */
    privacy_acknowledged,
    /** Every service acknowledged: the request is completed (or failed). */
    privacy_finished,
    /** consent-service erased what it held on the person. */
    consent_erased,
    /** consent-service exported what it holds on the person. */
    consent_exported
}
