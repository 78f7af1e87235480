package org.opencdp.consent.decisions;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencdp.consent.decisions.DecisionRule.Outcome;
import org.opencdp.consent.decisions.DecisionRule.PurposeBasis;
import org.opencdp.consent.ledger.PurposeState;
import org.opencdp.consent.purposes.PurposeDefaults;
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

    private final DecisionRepository decisions;
    private final JsonMapper json;
    private final DecisionMetrics metrics;

    DecisionService(DecisionRepository decisions, JsonMapper json, DecisionMetrics metrics) {
        this.decisions = decisions;
        this.json = json;
        this.metrics = metrics;
    }

    /**
     * Decides for each of {@code profileIds} (in order; unknown or another workspace's ids are
     * denied) and stores every decision before answering: two statements however many profiles
     * (one read of everything the decisions rest on, one insert).
     */
    @Transactional
    List<StoredDecision> decide(String workspaceId, String requestedBy, List<String> purposes,
                                List<String> profileIds, String jurisdiction) {
        if (profileIds.isEmpty()) {
            return List.of();
        }
        List<String> wanted = List.copyOf(new LinkedHashSet<>(purposes));
        DecisionInputs inputs = decisions.findInputs(workspaceId, new LinkedHashSet<>(profileIds), wanted);
        Map<String, PurposeDefaults> defaults = new LinkedHashMap<>();
        wanted.forEach(key -> defaults.put(key, inputs.declared().getOrDefault(key, PurposeDefaults.OPT_IN)));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<StoredDecision> made = new ArrayList<>(profileIds.size());
        // decisions resting on the same basis (every unknown profile, every profile decided by the
        // same defaults…) share one basis document, serialised and stored once
        Map<BasisKey, Integer> positions = new HashMap<>();
        List<ObjectNode> bases = new ArrayList<>();
        int[] basisIndexes = new int[profileIds.size()];
        int allowed = 0;
        for (String profileId : profileIds) {
            // a merged-away id is decided on its survivor's consent (issue 12)
            String holder = inputs.redirects().getOrDefault(profileId, profileId);
            boolean profileKnown = inputs.known().contains(holder);
            Outcome outcome = DecisionRule.decide(profileKnown, wanted, inputs.states().getOrDefault(holder, Map.of()),
                    defaults, jurisdiction);
            if (outcome.decision() == DecisionRule.Decision.allow) {
                allowed++;
            }
            BasisKey key = new BasisKey(outcome, profileKnown, holder.equals(profileId) ? null : holder);
            Integer position = positions.get(key);
            if (position == null) {
                ObjectNode basis = basis(outcome, profileKnown, jurisdiction, requestedBy);
                if (key.mergedInto() != null) {
                    basis.put("mergedInto", key.mergedInto());
                }
                bases.add(basis);
                position = bases.size();
                positions.put(key, position);
            }
            basisIndexes[made.size()] = position;
            made.add(new StoredDecision(DecisionIds.next(now), profileId, wanted, outcome.decision().name(),
                    bases.get(position - 1), now));
        }
        decisions.insertAll(workspaceId, wanted, now, made, basisIndexes,
                bases.stream().map(json::writeValueAsString).toArray(String[]::new));
        metrics.decided(allowed, made.size() - allowed);
        return made;
    }

    /** What a decision's basis document is made of, besides the request's jurisdiction and caller. */
    private record BasisKey(Outcome outcome, boolean profileKnown, String mergedInto) {
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
