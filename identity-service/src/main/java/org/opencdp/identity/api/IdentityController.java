package org.opencdp.identity.api;

import java.util.List;
import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.Scopes;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The identity graph of the caller's workspace: which profile an identifier belongs to, and a profile's identifiers. */
@RestController
class IdentityController {

    /** Either scope lets a caller read the graph. */
    static final List<String> READ_SCOPES = List.of(Scopes.PROFILES_READ, Scopes.IDENTITY_READ);

    private final IdentityQueryService queries;

    IdentityController(IdentityQueryService queries) {
        this.queries = queries;
    }

    @GetMapping("/v1/identities/{type}/{value}")
    IdentityResponse identity(Caller caller, @PathVariable String type, @PathVariable String value) {
        caller.requireAny(READ_SCOPES.toArray(String[]::new));
        return queries.identity(caller.workspaceId(), type, value);
    }

    @GetMapping("/v1/profiles/{id}/identities")
    ProfileIdentitiesResponse identitiesOf(Caller caller, @PathVariable String id) {
        caller.requireAny(READ_SCOPES.toArray(String[]::new));
        return queries.identitiesOf(caller.workspaceId(), id);
    }
}
