package org.opencdp.consent.decisions;

import java.util.Collection;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/** The decisions kept about a person, for privacy requests (issue 12): exported, or erased. */
@Service
public class DecisionRecords {

    private final DecisionRepository decisions;
    private final JsonMapper json;

    DecisionRecords(DecisionRepository decisions, JsonMapper json) {
        this.decisions = decisions;
        this.json = json;
    }

    /** Every decision about {@code profileIds}, newest first, as the export shows it. */
    public JsonNode export(String workspaceId, Collection<String> profileIds) {
        ArrayNode list = json.createArrayNode();
        decisions.findFor(workspaceId, profileIds).forEach(decision -> {
            var node = list.addObject();
            node.put("decisionId", decision.id().toString());
            node.put("profileId", decision.profileId());
            decision.purposes().forEach(node.putArray("purposes")::add);
            node.put("decision", decision.decision());
            node.put("decidedAt", decision.decidedAt().toString());
            node.set("basis", decision.basis());
        });
        return list;
    }

    /** Removes every decision about {@code profileIds}; returns how many. */
    @Transactional(propagation = Propagation.MANDATORY)
    public int erase(String workspaceId, Collection<String> profileIds) {
        return decisions.deleteFor(workspaceId, profileIds);
    }
}
