package org.opencdp.consent.decisions;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.opencdp.consent.decisions.DecisionRule.Outcome;
import org.opencdp.consent.decisions.DecisionRule.PurposeBasis;
import org.opencdp.consent.ledger.ConsentLedger;
import org.opencdp.consent.ledger.PurposeState;
import org.opencdp.consent.purposes.PurposeDefaults;
import org.opencdp.consent.purposes.PurposeService;
import org.opencdp.consent.subjects.SubjectService;
import org.opencdp.kit.problem.CdpException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hands out consent decisions and keeps each one, with what it rested on, so the decision id a
 * delivery carries can be audited later.
 */
@Service
class DecisionService {

    private final SubjectService subjects;
    private final ConsentLedger ledger;
    private final PurposeService purposeService;
    private final DecisionRepository decisions;
    private final JsonMapper json;

    DecisionService(SubjectService subjects, ConsentLedger ledger, PurposeService purposeService,
                    DecisionRepository decisions, JsonMapper json) {
        this.subjects = subjects;
        this.ledger = ledger;
        this.purposeService = purposeService;
        this.decisions = decisions;
        this.json = json;
    }

    /**
     * Decides for each of {@code profileIds} (in order; unknown or another workspace's ids are
     * denied) and stores every decision before answering.
     */
    @Transactional
    List<StoredDecision> decide(String workspaceId, String requestedBy, List<String> purposes,
                                List<String> profileIds, String jurisdiction) {
        List<String> wanted = List.copyOf(new LinkedHashSet<>(purposes));
        // a merged-away id is decided on its survivor's consent (issue 12)
        Map<String, String> canonical = subjects.canonical(workspaceId, profileIds);
        Set<String> known = subjects.known(workspaceId, Set.copyOf(canonical.values()));
        Map<String, Map<String, PurposeState>> states = known.isEmpty() ? Map.of()
                : ledger.states(workspaceId, known, wanted);
        Map<String, PurposeDefaults> defaults = purposeService.defaults(workspaceId, wanted);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<StoredDecision> made = new ArrayList<>(profileIds.size());
        for (String profileId : profileIds) {
            String holder = canonical.get(profileId);
            boolean profileKnown = known.contains(holder);
            Outcome outcome = DecisionRule.decide(profileKnown, wanted, states.getOrDefault(holder, Map.of()),
                    defaults, jurisdiction);
            ObjectNode basis = basis(outcome, profileKnown, jurisdiction, requestedBy);
            if (!holder.equals(profileId)) {
                basis.put("mergedInto", holder);
            }
            made.add(new StoredDecision(UUID.randomUUID(), profileId, wanted, outcome.decision().name(), basis, now));
        }
        decisions.insertAll(workspaceId, made);
        return made;
    }

    StoredDecision find(String workspaceId, String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw CdpException.notFound("decision", id);
        }
        return decisions.find(workspaceId, uuid).orElseThrow(() -> CdpException.notFound("decision", id));
    }

    /** Each purpose's status, in the order asked. */
    static Map<String, String> statuses(StoredDecision decision) {
        Map<String, String> statuses = new LinkedHashMap<>();
        decision.purposes().forEach(purpose -> statuses.put(purpose,
                decision.basis().path("purposes").path(purpose).path("status").asString()));
        return statuses;
    }

    private ObjectNode basis(Outcome outcome, boolean profileKnown, String jurisdiction, String requestedBy) {
        ObjectNode basis = json.createObjectNode();
        basis.put("jurisdiction", jurisdiction);
        basis.put("profileKnown", profileKnown);
        basis.put("requestedBy", requestedBy);
        ObjectNode purposes = basis.putObject("purposes");
        outcome.purposes().forEach((purpose, judged) -> purposes.set(purpose, purposeBasis(judged)));
        return basis;
    }

    private ObjectNode purposeBasis(PurposeBasis judged) {
        ObjectNode node = json.createObjectNode();
        node.put("status", judged.status().name());
        PurposeState statement = judged.statement();
        if (statement != null) {
            node.put("granted", statement.granted());
            node.put("source", statement.source());
            node.put("legalBasis", statement.legalBasis().name());
            node.put("jurisdiction", statement.jurisdiction());
            node.put("occurredAt", statement.occurredAt().toString());
        } else if (judged.defaultJurisdiction() != null) {
            node.put("defaultJurisdiction", judged.defaultJurisdiction());
        }
        return node;
    }
}
