package org.opencdp.identity.api;

import java.util.Arrays;
import java.util.List;
import org.opencdp.identity.graph.IdentifierType;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.security.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The identity graph of the caller's workspace: which profile an identifier belongs to, and a profile's identifiers. */
@RestController
class IdentityController {

    /** Either scope lets a caller read the graph. */
    static final List<String> READ_SCOPES = List.of("profiles:read", "identity:read");

    private final IdentityQueryService queries;

    IdentityController(IdentityQueryService queries) {
        this.queries = queries;
    }

    @GetMapping("/v1/identities/{type}/{value}")
    IdentityResponse identity(Caller caller, @PathVariable String type, @PathVariable String value) {
        requireReadScope(caller);
        IdentifierType identifierType = IdentifierType.fromWireName(type).orElseThrow(() -> CdpException.badRequest(
                        "invalid_identifier_type", "Unsupported identifier type '" + type + "'.")
                .with("supportedTypes", Arrays.stream(IdentifierType.values()).map(IdentifierType::wireName).toList()));
        return queries.identity(caller.workspaceId(), identifierType, value);
    }

    @GetMapping("/v1/profiles/{id}/identities")
    ProfileIdentitiesResponse identitiesOf(Caller caller, @PathVariable String id) {
        requireReadScope(caller);
        return queries.identitiesOf(caller.workspaceId(), id);
    }

    private static void requireReadScope(Caller caller) {
        if (READ_SCOPES.stream().noneMatch(caller.scopes()::contains)) {
            throw CdpException.forbidden("missing_scope",
                            "This token lacks the scope 'profiles:read' (or 'identity:read').")
                    .with("requiredScope", READ_SCOPES.getFirst())
                    .with("acceptedScopes", READ_SCOPES);
        }
    }
}
