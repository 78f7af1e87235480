package org.opencdp.consent.api;

import jakarta.validation.Valid;
import org.opencdp.consent.ConsentScopes;
import org.opencdp.consent.api.ConsentRequests.ProfileConsentResponse;
import org.opencdp.consent.api.ConsentRequests.PutConsentRequest;
import org.opencdp.kit.security.Caller;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code PUT /v1/consent} records consent; {@code GET /v1/profiles/{id}/consent} shows a profile's state and history. */
@RestController
class ConsentController {

    private static final int MAX_ATTEMPTS = 3;

    private final ConsentService consent;

    ConsentController(ConsentService consent) {
        this.consent = consent;
    }

    @PutMapping("/v1/consent")
    ProfileConsentResponse put(Caller caller, @Valid @RequestBody PutConsentRequest request) {
        ConsentScopes.requireWrite(caller);
        for (int attempt = 1; ; attempt++) {
            try {
                return consent.put(caller.workspaceId(), request);
            } catch (ConcurrencyFailureException e) {
                // the profile was merged away (or a deadlock broken) meanwhile: again, on what committed
                if (attempt == MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    @GetMapping("/v1/profiles/{id}/consent")
    ProfileConsentResponse get(Caller caller, @PathVariable String id) {
        ConsentScopes.requireRead(caller);
        return consent.get(caller.workspaceId(), id);
    }
}
