package org.opencdp.profile.computed;

import java.net.URI;
import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.Scopes;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/computed-traits}: define ({@code profiles:write}), list and read ({@code profiles:read}
 * or {@code profiles:write}) and delete ({@code profiles:write}) the computed traits of the caller's
 * workspace. The body is read as JSON and checked member by member, so every refusal points at the
 * offending member ({@code errors[0].pointer}).
 */
@RestController
@RequestMapping("/v1/computed-traits")
class ComputedTraitController {

    static final String READ = Scopes.PROFILES_READ;
    static final String WRITE = Scopes.PROFILES_WRITE;

    private final DefinitionService definitions;

    ComputedTraitController(DefinitionService definitions) {
        this.definitions = definitions;
    }

    @PostMapping
    ResponseEntity<ComputedTraitResponse> create(Caller caller, @RequestBody JsonNode body) {
        caller.require(WRITE);
        ComputedTraitDefinition created = definitions.create(caller.workspaceId(), body);
        return ResponseEntity.created(URI.create("/v1/computed-traits/" + created.key()))
                .body(ComputedTraitResponse.of(created));
    }

    @GetMapping
    ComputedTraitListResponse list(Caller caller, @RequestParam(defaultValue = "false") boolean hidden) {
        caller.requireAny(READ, WRITE);
        return new ComputedTraitListResponse(definitions.list(caller.workspaceId(), hidden).stream()
                .map(ComputedTraitResponse::of).toList());
    }

    @GetMapping("/{key}")
    ComputedTraitResponse get(Caller caller, @PathVariable String key) {
        caller.requireAny(READ, WRITE);
        return ComputedTraitResponse.of(definitions.get(caller.workspaceId(), key));
    }

    @DeleteMapping("/{key}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String key) {
        caller.require(WRITE);
        definitions.delete(caller.workspaceId(), key);
        return ResponseEntity.noContent().build();
    }
}
