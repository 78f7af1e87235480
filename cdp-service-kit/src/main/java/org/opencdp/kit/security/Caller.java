package org.opencdp.kit.security;

import java.util.Set;
import org.opencdp.kit.problem.CdpException;

/**
 * Who is calling a management endpoint: the workspace their token is sealed to and the scopes it
 * grants. Controllers take it as a parameter and pass {@link #workspaceId()} to every query, so
 * one workspace's token never reaches another's rows.
 */
public record Caller(String workspaceId, String subject, Set<String> scopes) {

    public Caller {
        scopes = Set.copyOf(scopes);
    }

    /** Throws a 403 problem unless the token grants at least one of {@code scopes} (e.g. read or write). */
    public Caller requireAny(String... scopes) {
        for (String scope : scopes) {
            if (this.scopes.contains(scope)) {
                return this;
            }
        }
        throw CdpException.forbidden("missing_scope", "This token lacks the scope '" + String.join("' or '", scopes)
                        + "'.")
                .with("requiredScope", scopes[0])
                .with("acceptedScopes", java.util.List.of(scopes));
    }

    /** Throws a 403 problem unless the token grants {@code scope}. */
    public Caller require(String scope) {
        if (!scopes.contains(scope)) {
            throw CdpException.forbidden("missing_scope", "This token lacks the scope '" + scope + "'.")
                    .with("requiredScope", scope);
        }
        return this;
    }
}
