package org.opencdp.activation.destination;

import org.opencdp.kit.security.Caller;

/** The scopes of the destination APIs: {@code destinations:write} for changes, reads with either. */
public final class DestinationScopes {

    public static final String READ = "destinations:read";
    public static final String WRITE = "destinations:write";

    /** Throws 403 unless the caller may read destinations and their deliveries. */
    public static Caller requireRead(Caller caller) {
        return caller.scopes().contains(WRITE) ? caller : caller.require(READ);
    }

    public static Caller requireWrite(Caller caller) {
        return caller.require(WRITE);
    }

    private DestinationScopes() {
    }
}
