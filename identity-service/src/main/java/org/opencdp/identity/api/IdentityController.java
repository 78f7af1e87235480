package org.opencdp.identity.api;

import java.util.List;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.Scopes;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
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

    /**
     * The same lookup with the identifier in the query ({@code ?type=email&value=…}), for callers
     * whose proxies log paths but not queries.
     */
    @GetMapping("/v1/identities/lookup")
    IdentityResponse lookup(Caller caller, @RequestParam(required = false) String type,
                            @RequestParam(required = false) String value) {
        return lookup(caller, new IdentityLookup(type, value));
    }

    /**
     * The same lookup with the identifier in the body, so an e-mail or phone number appears in no
     * URL, log line or browser history on the way.
     */
    @PostMapping("/v1/identities/lookup")
    IdentityResponse lookup(Caller caller, @RequestBody IdentityLookup lookup) {
        caller.requireAny(READ_SCOPES.toArray(String[]::new));
        if (lookup.type() == null || lookup.type().isBlank() || lookup.value() == null || lookup.value().isBlank()) {
            throw CdpException.badRequest("invalid_parameter",
                    "Both 'type' (e.g. email, user_id, anonymous_id) and 'value' are required.");
        }
        return queries.identity(caller.workspaceId(), lookup.type(), lookup.value());
    }

    /** An identifier to look up: its type and its value as written. */
    record IdentityLookup(String type, String value) {
    }

    @GetMapping("/v1/profiles/{id}/identities")
    ProfileIdentitiesResponse identitiesOf(Caller caller, @PathVariable String id) {
        caller.requireAny(READ_SCOPES.toArray(String[]::new));
        return queries.identitiesOf(caller.workspaceId(), id);
    }
}
