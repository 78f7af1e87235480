package org.opencdp.consent.decisions;

import static org.opencdp.kit.problem.InvalidField.pointerTo;

import jakarta.validation.Valid;
import org.opencdp.consent.ConsentScopes;
import org.opencdp.consent.decisions.DecisionRequests.StoredDecisionResponse;
import org.opencdp.consent.purposes.Jurisdiction;
import org.opencdp.consent.purposes.PurposeKey;
import org.opencdp.contracts.ConsentDecisionRequest;
import org.opencdp.contracts.ConsentDecisions;
import org.opencdp.kit.problem.ValidationErrors;
import org.opencdp.kit.security.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/consent/decisions}: may these profiles' data leave for these purposes? Asked by
 * activation before every delivery. {@code GET /v1/consent/decisions/{id}}: a stored decision.
 */
@RestController
class DecisionController {

    private final DecisionService decisions;

    DecisionController(DecisionService decisions) {
        this.decisions = decisions;
    }

    @PostMapping("/v1/consent/decisions")
    ConsentDecisions decide(Caller caller, @Valid @RequestBody ConsentDecisionRequest request) {
        ConsentScopes.requireRead(caller);
        ValidationErrors errors = new ValidationErrors();
        for (int i = 0; i < request.purposes().size(); i++) {
            if (!PurposeKey.isValid(request.purposes().get(i))) {
                errors.add(pointerTo("purposes", i), "must match " + PurposeKey.REGEX);
            }
        }
        if (request.jurisdiction() != null && !Jurisdiction.isValid(request.jurisdiction())) {
            errors.add(pointerTo("jurisdiction"), "must be a jurisdiction code like EU, US or US-CA");
        }
        errors.throwIfAny();
        var made = decisions.decide(caller.workspaceId(), caller.subject(), request.purposes(), request.profileIds(),
                Jurisdiction.normalize(request.jurisdiction()));
        return new ConsentDecisions(made.stream()
                .map(d -> new ConsentDecisions.Decision(d.profileId(), d.decision(), d.id().toString(),
                        DecisionService.statuses(d)))
                .toList());
    }

    @GetMapping("/v1/consent/decisions/{id}")
    StoredDecisionResponse get(Caller caller, @PathVariable String id) {
        ConsentScopes.requireRead(caller);
        StoredDecision decision = decisions.find(caller.workspaceId(), id);
        return new StoredDecisionResponse(decision.id(), decision.profileId(), decision.decision(),
                DecisionService.statuses(decision), textOrNull(decision, "jurisdiction"),
                decision.basis().path("profileKnown").asBoolean(), textOrNull(decision, "requestedBy"),
                decision.basis().path("purposes"), decision.decidedAt(), textOrNull(decision, "mergedInto"));
    }

    private static String textOrNull(StoredDecision decision, String field) {
        var node = decision.basis().path(field);
        return node.isString() ? node.asString() : null;
    }
}
