package org.opencdp.ingestion.trackingplan;

import jakarta.validation.Valid;
import java.util.List;
import org.opencdp.ingestion.sources.SourceScopes;
import org.opencdp.ingestion.trackingplan.TrackingPlanApi.TrackingPlanRequest;
import org.opencdp.ingestion.trackingplan.TrackingPlanApi.TrackingPlanResponse;
import org.opencdp.ingestion.trackingplan.TrackingPlanApi.ViolationListResponse;
import org.opencdp.ingestion.trackingplan.TrackingPlanApi.ViolationResponse;
import org.opencdp.kit.security.Caller;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A source's tracking plan ({@code sources:write} to change, {@code sources:read} or write to look)
 * and the violations of it.
 */
@RestController
@RequestMapping("/v1/sources/{id}")
class TrackingPlanController {

    private final TrackingPlanService plans;

    TrackingPlanController(TrackingPlanService plans) {
        this.plans = plans;
    }

    @PutMapping("/tracking-plan")
    TrackingPlanResponse put(Caller caller, @PathVariable String id, @Valid @RequestBody TrackingPlanRequest request) {
        SourceScopes.requireWrite(caller);
        return TrackingPlanResponse.of(id, plans.put(caller.workspaceId(), id, request.toPlan()));
    }

    @GetMapping("/tracking-plan")
    TrackingPlanResponse get(Caller caller, @PathVariable String id) {
        SourceScopes.requireRead(caller);
        return TrackingPlanResponse.of(id, plans.get(caller.workspaceId(), id));
    }

    @DeleteMapping("/tracking-plan")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(Caller caller, @PathVariable String id) {
        SourceScopes.requireWrite(caller);
        plans.delete(caller.workspaceId(), id);
    }

    @GetMapping("/violations")
    ViolationListResponse violations(Caller caller, @PathVariable String id) {
        SourceScopes.requireRead(caller);
        List<ViolationResponse> items = plans.violations(caller.workspaceId(), id).stream()
                .map(ViolationResponse::of).toList();
        return new ViolationListResponse(id, items.stream().mapToLong(ViolationResponse::violations).sum(),
                items.stream().mapToLong(ViolationResponse::blocked).sum(), items);
    }
}
