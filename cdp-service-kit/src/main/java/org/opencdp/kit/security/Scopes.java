package org.opencdp.kit.security;

import java.util.List;

/**
 * The scopes a management token can grant, the one place their names are written. Each API reads
 * with its {@code :read} scope or its {@code :write} scope and changes with {@code :write}; identity's
 * graph is also readable with {@link #PROFILES_READ}.
 */
public final class Scopes {

    public static final String SOURCES_READ = "sources:read";
    public static final String SOURCES_WRITE = "sources:write";
    public static final String PROFILES_READ = "profiles:read";
    public static final String PROFILES_WRITE = "profiles:write";
    public static final String IDENTITY_READ = "identity:read";
    public static final String IDENTITY_WRITE = "identity:write";
    public static final String SEGMENTS_READ = "segments:read";
    public static final String SEGMENTS_WRITE = "segments:write";
    public static final String DESTINATIONS_READ = "destinations:read";
    public static final String DESTINATIONS_WRITE = "destinations:write";
    public static final String CONSENT_READ = "consent:read";
    public static final String CONSENT_WRITE = "consent:write";
    /** Privacy requests (erase, access, suppress): reading their status and exports, and making them. */
    public static final String PRIVACY_READ = "privacy:read";
    public static final String PRIVACY_WRITE = "privacy:write";
    /** Replaying the workspace's dead letters of a service ({@code POST /v1/admin/dead-letters/replay}). */
    public static final String DEAD_LETTERS_WRITE = "dead-letters:write";

    /** Every scope a service checks, e.g. for a local all-access token. */
    public static final List<String> ALL = List.of(SOURCES_READ, SOURCES_WRITE, PROFILES_READ, PROFILES_WRITE,
            IDENTITY_READ, IDENTITY_WRITE, SEGMENTS_READ, SEGMENTS_WRITE, DESTINATIONS_READ, DESTINATIONS_WRITE,
            CONSENT_READ, CONSENT_WRITE, PRIVACY_READ, PRIVACY_WRITE, DEAD_LETTERS_WRITE);

    private Scopes() {
    }
}
