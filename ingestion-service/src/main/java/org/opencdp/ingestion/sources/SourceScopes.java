package org.opencdp.ingestion.sources;

import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.Scopes;

/** The scopes of the source management API, shared by every feature under {@code /v1/sources}. */
public final class SourceScopes {

    /** Reading needs {@code sources:read} or {@code sources:write}; a 403 problem otherwise. */
    public static void requireRead(Caller caller) {
        caller.requireAny(Scopes.SOURCES_READ, Scopes.SOURCES_WRITE);
    }

    /** Changing needs {@code sources:write}; a 403 problem otherwise. */
    public static void requireWrite(Caller caller) {
        caller.require(Scopes.SOURCES_WRITE);
    }

    private SourceScopes() {
    }
}
