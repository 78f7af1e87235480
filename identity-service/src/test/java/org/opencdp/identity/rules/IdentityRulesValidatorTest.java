package org.opencdp.identity.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencdp.identity.rules.IdentityRulesRequest.CapsRequest;
import org.opencdp.identity.rules.IdentityRulesRequest.CustomIdentifierRequest;
import org.opencdp.identity.rules.IdentityRulesRequest.IdentifierRuleRequest;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.InvalidField;

class IdentityRulesValidatorTest {

    @Test
    void shouldFillInTheDefaultsOfWhatARequestLeavesOut() {
        IdentityRules rules = IdentityRulesValidator.validate(new IdentityRulesRequest(
                Map.of("email", new IdentifierRuleRequest(3, 2), "crm_id", new IdentifierRuleRequest(null, 7)),
                "de", null, null, null, new CapsRequest(null, 50)));

        assertThat(rules.ruleFor("email")).isEqualTo(new IdentifierRule(3, 2));
        assertThat(rules.ruleFor("user_id")).isEqualTo(new IdentifierRule(1, 1));
        assertThat(rules.ruleFor("crm_id")).isEqualTo(new IdentifierRule(null, 7));
        assertThat(rules.defaultRegion()).isEqualTo("DE");
        assertThat(rules.caps()).isEqualTo(new Caps(100, 50));
        assertThat(rules.blockedValues()).isEmpty();
        assertThat(rules.identifiers().keySet()).startsWith("user_id", "email", "phone");
    }

    @Test
    void shouldReportEveryBrokenRuleWithItsField() {
        Map<String, IdentifierRuleRequest> identifiers = new LinkedHashMap<>();
        identifiers.put("email", new IdentifierRuleRequest(0, 2));
        identifiers.put("phone", new IdentifierRuleRequest(null, null));
        identifiers.put("Bad Type", new IdentifierRuleRequest(1, 1));
        identifiers.put("device_id", new IdentifierRuleRequest(2, 5000));
        IdentityRulesRequest request = new IdentityRulesRequest(identifiers, "XX", List.of("ok"),
                List.of("(unclosed"), List.of(new CustomIdentifierRequest("email", List.of("traits.email")),
                new CustomIdentifierRequest("crm_id", List.of("headers.crm"))), new CapsRequest(-1, 0));

        assertThatThrownBy(() -> IdentityRulesValidator.validate(request))
                .isInstanceOfSatisfying(CdpException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_identity_rules");
                    @SuppressWarnings("unchecked")
                    List<InvalidField> errors = (List<InvalidField>) e.properties().get("errors");
                    assertThat(errors).extracting(InvalidField::pointer).containsExactlyInAnyOrder(
                            "/identifiers/email/limit", "/identifiers/phone/priority", "/identifiers/Bad Type",
                            "/identifiers/device_id/priority", "/defaultRegion", "/blockedPatterns/0",
                            "/customIdentifiers/0/type", "/customIdentifiers/1/paths/0",
                            "/caps/maxMergesPerProfile", "/caps/maxIdentifiersPerProfile");
                });
    }

    @Test
    void shouldRefuseACustomTypeDeclaredTwice() {
        IdentityRulesRequest request = new IdentityRulesRequest(null, null, null, null, List.of(
                new CustomIdentifierRequest("crm_id", List.of("traits.crm")),
                new CustomIdentifierRequest("crm_id", List.of("properties.crm"))), null);

        assertThatThrownBy(() -> IdentityRulesValidator.validate(request))
                .isInstanceOfSatisfying(CdpException.class, e -> assertThat(e.properties().get("errors").toString())
                        .contains("/customIdentifiers/1/type", "declared twice"));
    }

    @Test
    void shouldRefuseAMissingBody() {
        assertThatThrownBy(() -> IdentityRulesValidator.validate(null))
                .isInstanceOfSatisfying(CdpException.class,
                        e -> assertThat(e.code()).isEqualTo("invalid_identity_rules"));
    }
}
