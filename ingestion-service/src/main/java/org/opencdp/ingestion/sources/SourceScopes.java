package org.opencdp.ingestion.sources;

import org.opencdp.kit.security.Caller;

/** The scopes of the source management API, shared by every feature under {@code /v1/sources}. */
public final class SourceScopes {

    public static final String READ = "sources:read";
    public static final String WRITE = "sources:write";

    /** Reading needs {@code sources:read} or {@code sources:write}; a 403 problem otherwise. */
    public static void requireRead(Caller caller) {
        caller.requireAny(READ, WRITE);
    }

    /** Changing needs {@code sources:write}; a 403 problem otherwise. */
    public static void requireWrite(Caller caller) {
        caller.require(WRITE);
    }

    private SourceScopes() {
    }
}
