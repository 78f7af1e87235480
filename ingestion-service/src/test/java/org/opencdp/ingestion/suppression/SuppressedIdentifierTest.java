package org.opencdp.ingestion.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.WorkspaceIdentifierRules;

class SuppressedIdentifierTest {

    private static final WorkspaceIdentifierRules DEFAULT = WorkspaceIdentifierRules.DEFAULT;
    private static final WorkspaceIdentifierRules BRITISH = new WorkspaceIdentifierRules("GB", List.of("test-user"),
            List.of());

    @Test
    void shouldKeepOnlyAHashOfTheIdentifier() {
        SuppressedIdentifier identifier = SuppressedIdentifier.of(DEFAULT, "ws", "user_id", "u-secret").orElseThrow();

        assertThat(identifier.hash()).matches("[0-9a-f]{64}").doesNotContain("u-secret");
        assertThat(identifier.type()).isEqualTo("user_id");
        assertThat(identifier.key()).isEqualTo(SuppressedIdentifier.key("ws", new Identifier("user_id", "u-secret")));
    }

    @Test
    void shouldMatchEmailsWhateverTheirCaseAndSurroundingSpaces() {
        long stored = SuppressedIdentifier.of(DEFAULT, "ws", "email", "Ada@Example.COM").orElseThrow().key();

        assertThat(key(DEFAULT, "email", "  ada@example.com ")).isEqualTo(stored);
    }

    @Test
    void shouldMatchPhonesAndTypesTheWayIdentityNormalisesThemIssue14() {
        long phone = SuppressedIdentifier.of(DEFAULT, "ws", "phone", "+1 (650) 253-0000").orElseThrow().key();
        long idfa = SuppressedIdentifier.of(DEFAULT, "ws", "ios.idfa", "AB-12").orElseThrow().key();

        assertThat(key(DEFAULT, "phone", "+1-650-253-0000")).isEqualTo(phone);
        assertThat(key(DEFAULT, "iOS.IDFA", " AB-12 ")).isEqualTo(idfa);
        assertThat(key(DEFAULT, "user_id", " Ada "))
                .isEqualTo(SuppressedIdentifier.of(DEFAULT, "ws", "user_id", "Ada").orElseThrow().key());
    }

    @Test
    void shouldReadNationalPhoneNumbersInTheWorkspacesRegionIssue14() {
        long international = SuppressedIdentifier.of(BRITISH, "ws", "phone", "+442079460958").orElseThrow().key();

        assertThat(key(BRITISH, "phone", "020 7946 0958")).isEqualTo(international);
        assertThat(SuppressedIdentifier.of(BRITISH, "ws", "phone", "(020) 7946-0958").orElseThrow().key())
                .isEqualTo(international);
        // without a region a national number is no identifier, as identity reads it
        assertThat(SuppressedIdentifier.normalise(DEFAULT, "phone", "020 7946 0958")).isEmpty();
    }

    @Test
    void shouldTreatBlockedValuesAsNoIdentifierIssue14() {
        assertThat(SuppressedIdentifier.of(BRITISH, "ws", "user_id", " Test-User ")).isEmpty();
        assertThat(SuppressedIdentifier.of(DEFAULT, "ws", "anonymous_id", "undefined")).isEmpty();
        assertThat(SuppressedIdentifier.of(DEFAULT, "ws", "user_id", "test-user")).isPresent();
    }

    @Test
    void shouldKeepUserIdsExactAndTypesAndWorkspacesApart() {
        long stored = SuppressedIdentifier.of(DEFAULT, "ws", "user_id", "Ada").orElseThrow().key();

        assertThat(key(DEFAULT, "user_id", "ada")).isNotEqualTo(stored);
        assertThat(key(DEFAULT, "anonymous_id", "Ada")).isNotEqualTo(stored);
        assertThat(SuppressedIdentifier.key("other", new Identifier("user_id", "Ada"))).isNotEqualTo(stored);
    }

    @Test
    void shouldIgnoreValuesThatAreNoIdentifierOfTheirType() {
        assertThat(SuppressedIdentifier.of(DEFAULT, "ws", "phone", "+441234")).isEmpty();
        assertThat(SuppressedIdentifier.of(DEFAULT, "ws", "email", " ")).isEmpty();
        assertThat(SuppressedIdentifier.of(DEFAULT, "ws", "user_id", null)).isEmpty();
        assertThat(SuppressedIdentifier.of(DEFAULT, "ws", "user id", "x")).isEmpty();
    }

    private static long key(WorkspaceIdentifierRules rules, String type, String value) {
        return SuppressedIdentifier.key("ws", SuppressedIdentifier.normalise(rules, type, value).orElseThrow());
    }
}
