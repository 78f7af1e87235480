package org.opencdp.activation.destination;

import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.Scopes;

/** The scopes of the destination APIs: {@code destinations:write} for changes, reads with either. */
public final class DestinationScopes {

    /** Throws 403 unless the caller may read destinations and their deliveries. */
    public static Caller requireRead(Caller caller) {
        return caller.requireAny(Scopes.DESTINATIONS_READ, Scopes.DESTINATIONS_WRITE);
    }

    public static Caller requireWrite(Caller caller) {
        return caller.require(Scopes.DESTINATIONS_WRITE);
    }

    private DestinationScopes() {
    }
}
