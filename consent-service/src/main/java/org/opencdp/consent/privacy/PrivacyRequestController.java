package org.opencdp.consent.privacy;

import jakarta.validation.Valid;
import java.net.URI;
import org.opencdp.consent.ConsentScopes;
import org.opencdp.consent.privacy.PrivacyRequests.CreatePrivacyRequest;
import org.opencdp.consent.privacy.PrivacyRequests.PrivacyRequestResponse;
import org.opencdp.kit.security.Caller;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/privacy/requests} (202 with the request) and {@code GET /v1/privacy/requests/{id}}
 * (status per service; for {@code ACCESS}, the export). Making one takes {@code privacy:write},
 * reading one {@code privacy:read} or {@code privacy:write}; requests are sealed to the token's workspace.
 */
@RestController
class PrivacyRequestController {

    private final PrivacyRequestService requests;

    PrivacyRequestController(PrivacyRequestService requests) {
        this.requests = requests;
    }

    @PostMapping("/v1/privacy/requests")
    ResponseEntity<PrivacyRequestResponse> create(Caller caller, @Valid @RequestBody CreatePrivacyRequest request) {
        ConsentScopes.requirePrivacyWrite(caller);
        PrivacyRequestResponse created = requests.create(caller.workspaceId(), caller.subject(), request);
        return ResponseEntity.accepted().location(URI.create("/v1/privacy/requests/" + created.id())).body(created);
    }

    @GetMapping("/v1/privacy/requests/{id}")
    PrivacyRequestResponse get(Caller caller, @PathVariable String id) {
        ConsentScopes.requirePrivacyRead(caller);
        return requests.find(caller.workspaceId(), id);
    }
}
