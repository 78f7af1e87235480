package org.opencdp.activation.delivery;

import jakarta.validation.Valid;
import org.opencdp.activation.destination.DestinationScopes;
import org.opencdp.kit.security.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A destination's delivery log, its dead letters, and their replay. */
@RestController
@RequestMapping("/v1/destinations/{id}")
class DeliveryController {

    private final DeliveryLogService log;

    DeliveryController(DeliveryLogService log) {
        this.log = log;
    }

    @GetMapping("/deliveries")
    DeliveryResponse.Page deliveries(Caller caller, @PathVariable String id,
                                     @RequestParam(required = false) String status,
                                     @RequestParam(defaultValue = "" + DeliveryLogService.DEFAULT_LIMIT) int limit,
                                     @RequestParam(required = false) String cursor) {
        DestinationScopes.requireRead(caller);
        DeliveryStatus filter = status == null || status.isBlank() ? null : DeliveryStatus.parse(status);
        return log.page(caller.workspaceId(), id, filter, limit, cursor);
    }

    @GetMapping("/dead-letters")
    DeliveryResponse.Page deadLetters(Caller caller, @PathVariable String id,
                                      @RequestParam(defaultValue = "" + DeliveryLogService.DEFAULT_LIMIT) int limit,
                                      @RequestParam(required = false) String cursor) {
        DestinationScopes.requireRead(caller);
        return log.page(caller.workspaceId(), id, DeliveryStatus.dead, limit, cursor);
    }

    @PostMapping("/dead-letters/replay")
    ReplayRequest.Replayed replay(Caller caller, @PathVariable String id,
                                  @Valid @RequestBody(required = false) ReplayRequest request) {
        DestinationScopes.requireWrite(caller);
        return new ReplayRequest.Replayed(log.replay(caller.workspaceId(), id, request));
    }
}
