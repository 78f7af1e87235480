package org.opencdp.identity.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.IdentifierRulesChanged;
import org.opencdp.contracts.WorkspaceIdentifierRules;

class WorkspaceRulesTest {

    private final WorkspaceRules defaults = WorkspaceRules.defaults();

    @Test
    void shouldApplyTheSharedNormalFormWithTheWorkspacesPhoneRegion() {
        assertThat(defaults.normalise("email", "  Jane.Doe+News@Example.COM ", 512)).contains("jane.doe+news@example.com");
        assertThat(defaults.normalise("phone", "(650) 253-0000", 512)).isEmpty();
        WorkspaceRules us = WorkspaceRules.of(new IdentityRules(IdentityRules.defaultIdentifiers(), "US", List.of(),
                List.of(), List.of(), Caps.DEFAULT), 1);
        assertThat(us.normalise("phone", "(650) 253-0000", 512)).contains("+16502530000");
    }

    @Test
    void shouldBlockTheDefaultPlaceholdersWhateverTheirCase() {
        for (String placeholder : List.of("null", "NULL", " undefined ", "Anonymous", "unknown", "-1", "0", "000-000",
                "00000000-0000-0000-0000-000000000000", "   ")) {
            assertThat(defaults.normalise("anonymous_id", placeholder, 512)).as(placeholder).isEmpty();
        }
        assertThat(defaults.normalise("user_id", "0001", 512)).contains("0001");
        assertThat(defaults.normalise("user_id", "nullable", 512)).contains("nullable");
    }

    @Test
    void shouldBlockTheWorkspacesValuesAndPatternsToo() {
        WorkspaceRules rules = WorkspaceRules.of(new IdentityRules(IdentityRules.defaultIdentifiers(), null,
                List.of("Guest"), List.of("^test-\\d+$"), List.of(), Caps.DEFAULT), 1);

        assertThat(rules.normalise("user_id", "guest", 512)).isEmpty();
        assertThat(rules.normalise("user_id", "test-42", 512)).isEmpty();
        assertThat(rules.normalise("user_id", "test-x", 512)).contains("test-x");
        assertThat(defaults.normalise("user_id", "guest", 512)).contains("guest");
    }

    @Test
    void shouldTreatAPatternThatBacktracksTooLongAsBlockingInsteadOfHanging() {
        WorkspaceRules rules = WorkspaceRules.of(new IdentityRules(IdentityRules.defaultIdentifiers(), null,
                List.of(), List.of("(x+x+)+y"), List.of(), Caps.DEFAULT), 1);

        assertThat(rules.isBlocked("x".repeat(200))).isTrue();
        assertThat(rules.isBlocked("bbb")).isFalse();
    }

    @Test
    void shouldRefuseValuesLongerThanTheMaximum() {
        assertThat(defaults.normalise("device_id", "d".repeat(20), 19)).isEmpty();
        assertThat(defaults.normalise("device_id", "d".repeat(19), 19)).isPresent();
    }

    @Test
    void shouldGiveUnlistedTypesTheLowestPriorityAndNoLimit() {
        assertThat(defaults.ruleFor("hubspot_id")).isEqualTo(new IdentifierRule(null, IdentityRules.UNLISTED_PRIORITY));
        assertThat(defaults.ruleFor("user_id")).isEqualTo(new IdentifierRule(1, 1));
        assertThat(defaults.ruleFor("email")).isEqualTo(new IdentifierRule(5, 2));
        assertThat(defaults.rules().identifiers().keySet()).containsExactly("user_id", "email", "phone", "device_id",
                "advertising_id", "anonymous_id");
    }

    @Test
    void shouldNormaliseThroughTheSharedRulesItPublishes() {
        WorkspaceRules rules = WorkspaceRules.of(new IdentityRules(IdentityRules.defaultIdentifiers(), "GB",
                List.of("Guest"), List.of("^test-\\d+$"), List.of(), Caps.DEFAULT), 4);
        WorkspaceIdentifierRules shared = rules.identifierRules();

        assertThat(shared.defaultPhoneRegion()).isEqualTo("GB");
        assertThat(shared.blockedValues()).containsExactly("Guest");
        assertThat(shared.blockedPatterns()).containsExactly("^test-\\d+$");
        for (String[] written : new String[][] {{"phone", "020 7946 0958"}, {"user_id", " guest "},
                {"user_id", "test-7"}, {"email", " Jo@Example.COM"}, {"anonymous_id", "0000"}}) {
            assertThat(rules.normalise(written[0], written[1], 512)).as(written[1])
                    .isEqualTo(shared.normalise(written[0], written[1], 512));
        }
        assertThat(rules.normalise("phone", "020 7946 0958", 512)).contains("+442079460958");
    }

    @Test
    void shouldPublishTheVersionRegionAndTheWorkspacesOwnBlockedValues() {
        IdentityRules stored = new IdentityRules(IdentityRules.defaultIdentifiers(), "GB", List.of("Guest"),
                List.of("^test-"), List.of(new CustomIdentifier("crm_id", List.of("traits.crm"))), Caps.DEFAULT);
        Instant changedAt = Instant.parse("2026-01-02T03:04:05.123456Z");

        IdentifierRulesChanged changed = new WorkspaceRules(stored, 7, changedAt).changed("ws_pub");

        assertThat(changed.workspaceId()).isEqualTo("ws_pub");
        assertThat(changed.key()).isEqualTo("ws_pub");
        assertThat(changed.topic()).isEqualTo("cdp.identity.identifier-rules.v1");
        assertThat(changed.version()).isEqualTo(7);
        assertThat(changed.occurredAt()).isEqualTo(changedAt);
        assertThat(changed.defaultPhoneRegion()).isEqualTo("GB");
        assertThat(changed.blockedValues()).as("the defaults are the contract's, not repeated").containsExactly("Guest");
        assertThat(changed.blockedPatterns()).containsExactly("^test-");
        assertThat(changed.rules().isBlocked(" GUEST ")).isTrue();
        assertThat(changed.rules().normalise("phone", "07911 123456", 512)).contains("+447911123456");
    }
}
