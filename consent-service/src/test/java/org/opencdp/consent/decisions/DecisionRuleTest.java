package org.opencdp.consent.decisions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencdp.consent.decisions.DecisionRule.Decision;
import org.opencdp.consent.decisions.DecisionRule.Outcome;
import org.opencdp.consent.ledger.LegalBasis;
import org.opencdp.consent.ledger.PurposeState;
import org.opencdp.consent.purposes.PurposeDefaults;

class DecisionRuleTest {

    private static final PurposeDefaults ANALYTICS_DEFAULTS =
            new PurposeDefaults(Map.of("EU", false, "US", true, "*", false));

    @Test
    void shouldAllowWhenThePurposeIsExplicitlyGranted() {
        Outcome outcome = DecisionRule.decide(true, List.of("marketing"), Map.of("marketing", statement("marketing", true)),
                Map.of(), null);

        assertThat(outcome.decision()).isEqualTo(Decision.allow);
        assertThat(outcome.purposes().get("marketing").status()).isEqualTo(PurposeStatus.granted);
        assertThat(outcome.purposes().get("marketing").statement().source()).isEqualTo("api");
    }

    @Test
    void shouldDenyWhenThePurposeIsExplicitlyDenied() {
        Outcome outcome = DecisionRule.decide(true, List.of("marketing"), Map.of("marketing", statement("marketing", false)),
                Map.of(), null);

        assertThat(outcome.decision()).isEqualTo(Decision.deny);
        assertThat(outcome.purposes().get("marketing").status()).isEqualTo(PurposeStatus.denied);
    }

    @Test
    void shouldDenyAnUndeclaredPurposeWithoutStatementBecausePurposesAreOptIn() {
        Outcome outcome = DecisionRule.decide(true, List.of("marketing"), Map.of(), Map.of(), "US");

        assertThat(outcome.decision()).isEqualTo(Decision.deny);
        assertThat(outcome.purposes().get("marketing").status()).isEqualTo(PurposeStatus.default_denied);
        assertThat(outcome.purposes().get("marketing").defaultJurisdiction()).isNull();
    }

    @Test
    void shouldApplyTheDefaultOfTheJurisdictionWhenThereIsNoStatement() {
        var defaults = Map.of("analytics", ANALYTICS_DEFAULTS);

        Outcome us = DecisionRule.decide(true, List.of("analytics"), Map.of(), defaults, "US");
        Outcome eu = DecisionRule.decide(true, List.of("analytics"), Map.of(), defaults, "EU");

        assertThat(us.decision()).isEqualTo(Decision.allow);
        assertThat(us.purposes().get("analytics").status()).isEqualTo(PurposeStatus.default_granted);
        assertThat(us.purposes().get("analytics").defaultJurisdiction()).isEqualTo("US");
        assertThat(eu.decision()).isEqualTo(Decision.deny);
        assertThat(eu.purposes().get("analytics").status()).isEqualTo(PurposeStatus.default_denied);
        assertThat(eu.purposes().get("analytics").defaultJurisdiction()).isEqualTo("EU");
    }

    @Test
    void shouldFallBackFromSubdivisionToCountryToAnywhere() {
        var defaults = Map.of("analytics", ANALYTICS_DEFAULTS);

        Outcome california = DecisionRule.decide(true, List.of("analytics"), Map.of(), defaults, "us-ca");
        Outcome brazil = DecisionRule.decide(true, List.of("analytics"), Map.of(), defaults, "BR");
        Outcome unknown = DecisionRule.decide(true, List.of("analytics"), Map.of(), defaults, null);

        assertThat(california.purposes().get("analytics").status()).isEqualTo(PurposeStatus.default_granted);
        assertThat(california.purposes().get("analytics").defaultJurisdiction()).isEqualTo("US");
        assertThat(brazil.purposes().get("analytics").status()).isEqualTo(PurposeStatus.default_denied);
        assertThat(brazil.purposes().get("analytics").defaultJurisdiction()).isEqualTo("*");
        assertThat(unknown.purposes().get("analytics").defaultJurisdiction()).isEqualTo("*");
        assertThat(unknown.decision()).isEqualTo(Decision.deny);
    }

    @Test
    void shouldLetAnExplicitDenialWinOverAGrantingDefault() {
        Outcome outcome = DecisionRule.decide(true, List.of("analytics"),
                Map.of("analytics", statement("analytics", false)), Map.of("analytics", ANALYTICS_DEFAULTS), "US");

        assertThat(outcome.decision()).isEqualTo(Decision.deny);
        assertThat(outcome.purposes().get("analytics").status()).isEqualTo(PurposeStatus.denied);
    }

    @Test
    void shouldLetAnExplicitGrantWinOverADenyingDefault() {
        Outcome outcome = DecisionRule.decide(true, List.of("analytics"),
                Map.of("analytics", statement("analytics", true)), Map.of("analytics", ANALYTICS_DEFAULTS), "EU");

        assertThat(outcome.decision()).isEqualTo(Decision.allow);
        assertThat(outcome.purposes().get("analytics").status()).isEqualTo(PurposeStatus.granted);
    }

    @Test
    void shouldAllowOnlyWhenEveryPurposeIsGranted() {
        var statements = Map.of("marketing", statement("marketing", true));
        var defaults = Map.of("analytics", ANALYTICS_DEFAULTS);

        Outcome inUs = DecisionRule.decide(true, List.of("marketing", "analytics"), statements, defaults, "US");
        Outcome inEu = DecisionRule.decide(true, List.of("marketing", "analytics"), statements, defaults, "EU");

        assertThat(inUs.decision()).isEqualTo(Decision.allow);
        assertThat(inEu.decision()).isEqualTo(Decision.deny);
        assertThat(inEu.purposes()).containsOnlyKeys("marketing", "analytics");
        assertThat(inEu.purposes().get("marketing").status()).isEqualTo(PurposeStatus.granted);
        assertThat(inEu.purposes().get("analytics").status()).isEqualTo(PurposeStatus.default_denied);
    }

    @Test
    void shouldDenyAnUnknownProfileEvenWhenTheDefaultGrants() {
        Outcome outcome = DecisionRule.decide(false, List.of("analytics"), Map.of(),
                Map.of("analytics", new PurposeDefaults(Map.of("*", true))), "US");

        assertThat(outcome.decision()).isEqualTo(Decision.deny);
        assertThat(outcome.purposes().get("analytics").status()).isEqualTo(PurposeStatus.default_denied);
    }

    @Test
    void shouldRefuseToDecideWithoutPurposes() {
        assertThatThrownBy(() -> DecisionRule.decide(true, List.of(), Map.of(), Map.of(), null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static PurposeState statement(String purpose, boolean granted) {
        return new PurposeState(purpose, granted, Instant.parse("2025-01-01T00:00:00Z"), "api", LegalBasis.consent,
                null);
    }
}
