package org.opencdp.identity.rules;

import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.Scopes;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The identity rules of the caller's workspace. */
@RestController
class IdentityRulesController {

    private final IdentityRulesService rules;

    IdentityRulesController(IdentityRulesService rules) {
        this.rules = rules;
    }

    @GetMapping("/v1/identity-rules")
    IdentityRulesResponse get(Caller caller) {
        caller.requireAny(Scopes.IDENTITY_READ, Scopes.PROFILES_READ, Scopes.IDENTITY_WRITE);
        return rules.get(caller.workspaceId());
    }

    @PutMapping("/v1/identity-rules")
    IdentityRulesResponse replace(Caller caller, @RequestBody IdentityRulesRequest request) {
        caller.require(Scopes.IDENTITY_WRITE);
        return rules.replace(caller.workspaceId(), request);
    }
}
