package org.opencdp.consent;

import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.Scopes;

/**
 * The scopes of the consent API: {@code consent:write} to record, {@code consent:read} (or write) to
 * read, {@code privacy:write} for privacy requests.
 */
public final class ConsentScopes {

    /**
     * Privacy requests (issue 12). Belongs in {@link Scopes} (and {@code Scopes.ALL}), which this
     * module may not change: move it there, and this constant goes.
     */
    public static final String PRIVACY_WRITE = "privacy:write";

    /** Reading needs {@code consent:read}; a writer may read too. */
    public static Caller requireRead(Caller caller) {
        return caller.requireAny(Scopes.CONSENT_READ, Scopes.CONSENT_WRITE);
    }

    /** The audit log: {@code consent:read}, {@code consent:write} or {@code privacy:write}. */
    public static Caller requireAuditRead(Caller caller) {
        return caller.requireAny(Scopes.CONSENT_READ, Scopes.CONSENT_WRITE, PRIVACY_WRITE);
    }

    /** Privacy requests, made and read: {@code privacy:write} (an access request's export is personal data). */
    public static Caller requirePrivacy(Caller caller) {
        return caller.require(PRIVACY_WRITE);
    }

    public static Caller requireWrite(Caller caller) {
        return caller.require(Scopes.CONSENT_WRITE);
    }

    private ConsentScopes() {
    }
}
