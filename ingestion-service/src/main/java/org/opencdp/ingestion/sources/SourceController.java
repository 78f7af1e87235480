package org.opencdp.ingestion.sources;

import jakarta.validation.Valid;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.ingestion.sources.SourceApi.CreateSourceRequest;
import org.opencdp.ingestion.sources.SourceApi.RotateWriteKeyRequest;
import org.opencdp.ingestion.sources.SourceApi.SourceListResponse;
import org.opencdp.ingestion.sources.SourceApi.SourceResponse;
import org.opencdp.ingestion.sources.SourceApi.UpdateSourceRequest;
import org.opencdp.ingestion.sources.SourceApi.WriteKeyResponse;
import org.opencdp.kit.security.Caller;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Source management: {@code sources:write} to change, {@code sources:read} (or write) to look. */
@RestController
@RequestMapping("/v1/sources")
class SourceController {

    private final SourceService sources;
    private final IngestionProperties.RateLimit rateLimitDefaults;

    SourceController(SourceService sources, IngestionProperties properties) {
        this.sources = sources;
        this.rateLimitDefaults = properties.rateLimit();
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    WriteKeyResponse create(Caller caller, @Valid @RequestBody CreateSourceRequest request) {
        SourceScopes.requireWrite(caller);
        return WriteKeyResponse.of(sources.create(caller.workspaceId(), request.name()));
    }

    @GetMapping
    SourceListResponse list(Caller caller) {
        SourceScopes.requireRead(caller);
        return new SourceListResponse(sources.list(caller.workspaceId()).stream().map(this::response).toList());
    }

    @GetMapping("/{id}")
    SourceResponse get(Caller caller, @PathVariable String id) {
        SourceScopes.requireRead(caller);
        return response(sources.get(caller.workspaceId(), id));
    }

    @PatchMapping("/{id}")
    SourceResponse update(Caller caller, @PathVariable String id, @Valid @RequestBody UpdateSourceRequest request) {
        SourceScopes.requireWrite(caller);
        return response(sources.update(caller.workspaceId(), id, request.enabled(), request.rateLimit()));
    }

    /** A new write key; the old one stays valid for the grace period ({@link RotateWriteKeyRequest}). */
    @PostMapping("/{id}/write-key")
    WriteKeyResponse rotateWriteKey(Caller caller, @PathVariable String id,
                                    @RequestBody(required = false) RotateWriteKeyRequest request) {
        SourceScopes.requireWrite(caller);
        RotateWriteKeyRequest rotation = request != null ? request : RotateWriteKeyRequest.DEFAULTS;
        rotation.validate();
        return WriteKeyResponse.of(sources.rotateWriteKey(caller.workspaceId(), id, rotation.gracePeriod(),
                rotation.revoke()));
    }

    private SourceResponse response(Source source) {
        return SourceResponse.of(source, rateLimitDefaults);
    }
}
