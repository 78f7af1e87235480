package org.opencdp.activation.destination;

import jakarta.validation.Valid;
import java.net.URI;
import org.opencdp.kit.security.Caller;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/destinations}: create, list, read, replace and delete the workspace's destinations. */
@RestController
@RequestMapping("/v1/destinations")
class DestinationController {

    private final DestinationService destinations;

    DestinationController(DestinationService destinations) {
        this.destinations = destinations;
    }

    @PostMapping
    ResponseEntity<DestinationResponse> create(Caller caller, @Valid @RequestBody DestinationRequest request) {
        DestinationScopes.requireWrite(caller);
        Destination created = destinations.create(caller.workspaceId(), request);
        return ResponseEntity.created(URI.create("/v1/destinations/" + created.id()))
                .body(DestinationResponse.of(created));
    }

    @GetMapping
    DestinationResponse.Page list(Caller caller) {
        DestinationScopes.requireRead(caller);
        return new DestinationResponse.Page(destinations.list(caller.workspaceId()).stream()
                .map(DestinationResponse::of).toList());
    }

    @GetMapping("/{id}")
    DestinationResponse get(Caller caller, @PathVariable String id) {
        DestinationScopes.requireRead(caller);
        return DestinationResponse.of(destinations.require(caller.workspaceId(), id));
    }

    @PutMapping("/{id}")
    DestinationResponse replace(Caller caller, @PathVariable String id, @Valid @RequestBody DestinationRequest request) {
        DestinationScopes.requireWrite(caller);
        return DestinationResponse.of(destinations.replace(caller.workspaceId(), id, request));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(Caller caller, @PathVariable String id) {
        DestinationScopes.requireWrite(caller);
        destinations.delete(caller.workspaceId(), id);
    }
}
