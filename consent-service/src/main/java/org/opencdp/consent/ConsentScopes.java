package org.opencdp.consent;

import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.security.Caller;

/** The scopes of the consent API: {@code consent:write} to record, {@code consent:read} (or write) to read. */
public final class ConsentScopes {

    public static final String READ = "consent:read";
    public static final String WRITE = "consent:write";

    /** Reading needs {@code consent:read}; a writer may read too. */
    public static Caller requireRead(Caller caller) {
        if (caller.scopes().contains(READ) || caller.scopes().contains(WRITE)) {
            return caller;
        }
        throw CdpException.forbidden("missing_scope", "This token lacks the scope '" + READ + "'.")
                .with("requiredScope", READ);
    }

    public static Caller requireWrite(Caller caller) {
        return caller.require(WRITE);
    }

    private ConsentScopes() {
    }
}
