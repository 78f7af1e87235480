package org.opencdp.consent;

import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.Scopes;

/**
 * The scopes of the consent API: {@code consent:write} to record, {@code consent:read} (or write) to
 * read.
 */
public final class ConsentScopes {

    /** Reading needs {@code consent:read}; a writer may read too. */
    public static Caller requireRead(Caller caller) {
        return caller.requireAny(Scopes.CONSENT_READ, Scopes.CONSENT_WRITE);
    }

    /** The audit log: {@code consent:read} or {@code consent:write}. */
    public static Caller requireAuditRead(Caller caller) {
        return caller.requireAny(Scopes.CONSENT_READ, Scopes.CONSENT_WRITE);
    }

    public static Caller requireWrite(Caller caller) {
        return caller.require(Scopes.CONSENT_WRITE);
    }

    private ConsentScopes() {
    }
}
