package org.opencdp.profile.retention;

import jakarta.validation.Valid;
import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.Scopes;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/settings/retention}: the caller's workspace's event retention; read with
 * {@code profiles:read} or {@code profiles:write}, changed with {@code profiles:write}. A change
 * takes effect at the next maintenance run.
 */
@RestController
@RequestMapping("/v1/settings/retention")
class RetentionController {

    private final RetentionSettingsService settings;

    RetentionController(RetentionSettingsService settings) {
        this.settings = settings;
    }

    @GetMapping
    RetentionResponse get(Caller caller) {
        caller.requireAny(Scopes.PROFILES_READ, Scopes.PROFILES_WRITE);
        return settings.current(caller.workspaceId());
    }

    @PutMapping
    RetentionResponse put(Caller caller, @Valid @RequestBody RetentionRequest request) {
        caller.require(Scopes.PROFILES_WRITE);
        return settings.set(caller.workspaceId(), request.retentionDays());
    }
}
