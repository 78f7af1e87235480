package org.opencdp.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The consent decision call's wire form, shared by activation (client) and consent (server): issue 14. */
class ConsentDecisionsTest {

    private final JsonMapper json = MessageCodec.mapper();

    @Test
    void shouldWriteTheRequestAsConsentReadsIt() {
        JsonNode request = json.valueToTree(new ConsentDecisionRequest(List.of("marketing"), List.of("p1", "p2"), "EU"));

        assertThat(request.path("purposes").get(0).asString()).isEqualTo("marketing");
        assertThat(request.path("profileIds")).hasSize(2);
        assertThat(request.path("jurisdiction").asString()).isEqualTo("EU");
    }

    @Test
    void shouldReadTheAnswerIgnoringMembersItDoesNotKnow() {
        ConsentDecisions answer = json.readValue("""
                {"decisions": [{"profileId": "p1", "decision": "allow", "decisionId": "3f1c7c9e-0000-4000-8000-000000000001",
                                "purposes": {"marketing": "granted"}, "later": true}]}""", ConsentDecisions.class);

        assertThat(answer.decisions()).containsExactly(new ConsentDecisions.Decision("p1", ConsentDecisions.ALLOW,
                "3f1c7c9e-0000-4000-8000-000000000001", Map.of("marketing", "granted")));
    }
}
