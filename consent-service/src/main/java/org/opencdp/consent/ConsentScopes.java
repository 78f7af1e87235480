package org.opencdp.consent;

import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.Scopes;

/**
 * The scopes of the consent API: {@code consent:write} to record, {@code consent:read} (or write) to
 * read; {@code privacy:write} to make privacy requests, {@code privacy:read} (or write) to read them.
 */
public final class ConsentScopes {

    /** Reading needs {@code consent:read}; a writer may read too. */
    public static Caller requireRead(Caller caller) {
        return caller.requireAny(Scopes.CONSENT_READ, Scopes.CONSENT_WRITE);
    }

    /** The audit log: any of {@code consent:read}, {@code consent:write}, {@code privacy:read}, {@code privacy:write}. */
    public static Caller requireAuditRead(Caller caller) {
        return caller.requireAny(Scopes.CONSENT_READ, Scopes.CONSENT_WRITE, Scopes.PRIVACY_READ, Scopes.PRIVACY_WRITE);
    }

    /** Making a privacy request: {@code privacy:write}. */
    public static Caller requirePrivacyWrite(Caller caller) {
        return caller.require(Scopes.PRIVACY_WRITE);
    }

    /** Reading a privacy request (and an access request's export): {@code privacy:read} or {@code privacy:write}. */
    public static Caller requirePrivacyRead(Caller caller) {
        return caller.requireAny(Scopes.PRIVACY_READ, Scopes.PRIVACY_WRITE);
    }

    public static Caller requireWrite(Caller caller) {
        return caller.require(Scopes.CONSENT_WRITE);
    }

    private ConsentScopes() {
    }
}
