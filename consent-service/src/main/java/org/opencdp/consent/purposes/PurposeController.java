package org.opencdp.consent.purposes;

import jakarta.validation.Valid;
import org.opencdp.consent.ConsentScopes;
import org.opencdp.consent.purposes.PurposeRequests.PurposesResponse;
import org.opencdp.consent.purposes.PurposeRequests.PutPurposesRequest;
import org.opencdp.kit.security.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET/PUT /v1/purposes}: the workspace's purposes and their default consent per jurisdiction. */
@RestController
class PurposeController {

    private final PurposeService purposes;

    PurposeController(PurposeService purposes) {
        this.purposes = purposes;
    }

    @GetMapping("/v1/purposes")
    PurposesResponse list(Caller caller) {
        ConsentScopes.requireRead(caller);
        return new PurposesResponse(purposes.list(caller.workspaceId()));
    }

    @PutMapping("/v1/purposes")
    PurposesResponse replace(Caller caller, @Valid @RequestBody PutPurposesRequest request) {
        ConsentScopes.requireWrite(caller);
        return new PurposesResponse(purposes.replace(caller.workspaceId(), request.purposes()));
    }
}
