package org.opencdp.ingestion.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Identifier;

class SuppressedIdentifierTest {

    @Test
    void shouldKeepOnlyAHashOfTheIdentifier() {
        SuppressedIdentifier identifier = SuppressedIdentifier.of("ws", "user_id", "u-secret").orElseThrow();

        assertThat(identifier.hash()).matches("[0-9a-f]{64}").doesNotContain("u-secret");
        assertThat(identifier.type()).isEqualTo("user_id");
        assertThat(identifier.key()).isEqualTo(SuppressedIdentifier.key("ws", new Identifier("user_id", "u-secret")));
    }

    @Test
    void shouldMatchEmailsWhateverTheirCaseAndSurroundingSpaces() {
        long stored = SuppressedIdentifier.of("ws", "email", "Ada@Example.COM").orElseThrow().key();

        assertThat(key("email", "  ada@example.com ")).isEqualTo(stored);
    }

    @Test
    void shouldMatchPhonesAndTypesTheWayIdentityNormalisesThemIssue14() {
        long phone = SuppressedIdentifier.of("ws", "phone", "+1 (650) 253-0000").orElseThrow().key();
        long idfa = SuppressedIdentifier.of("ws", "ios.idfa", "AB-12").orElseThrow().key();

        assertThat(key("phone", "+1-650-253-0000")).isEqualTo(phone);
        assertThat(key("iOS.IDFA", " AB-12 ")).isEqualTo(idfa);
        assertThat(key("user_id", " Ada ")).isEqualTo(SuppressedIdentifier.of("ws", "user_id", "Ada").orElseThrow().key());
    }

    @Test
    void shouldKeepUserIdsExactAndTypesAndWorkspacesApart() {
        long stored = SuppressedIdentifier.of("ws", "user_id", "Ada").orElseThrow().key();

        assertThat(key("user_id", "ada")).isNotEqualTo(stored);
        assertThat(key("anonymous_id", "Ada")).isNotEqualTo(stored);
        assertThat(SuppressedIdentifier.key("other", new Identifier("user_id", "Ada"))).isNotEqualTo(stored);
    }

    @Test
    void shouldIgnoreValuesThatAreNoIdentifierOfTheirType() {
        assertThat(SuppressedIdentifier.of("ws", "phone", "+441234")).isEmpty();
        assertThat(SuppressedIdentifier.of("ws", "email", " ")).isEmpty();
        assertThat(SuppressedIdentifier.of("ws", "user_id", null)).isEmpty();
        assertThat(SuppressedIdentifier.of("ws", "user id", "x")).isEmpty();
    }

    private static long key(String type, String value) {
        return SuppressedIdentifier.key("ws", SuppressedIdentifier.normalise(type, value).orElseThrow());
    }
}
