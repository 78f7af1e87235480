package org.opencdp.ingestion.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SuppressedIdentifierTest {

    @Test
    void shouldKeepOnlyAHashOfTheIdentifier() {
        SuppressedIdentifier identifier = SuppressedIdentifier.of("ws", "user_id", "u-secret").orElseThrow();

        assertThat(identifier.hash()).matches("[0-9a-f]{64}").doesNotContain("u-secret");
        assertThat(identifier.type()).isEqualTo("user_id");
        assertThat(identifier.key()).isEqualTo(SuppressedIdentifier.key("ws", "user_id", "u-secret"));
    }

    @Test
    void shouldMatchEmailsWhateverTheirCaseAndSurroundingSpaces() {
        long stored = SuppressedIdentifier.of("ws", "email", "Ada@Example.COM").orElseThrow().key();

        assertThat(SuppressedIdentifier.key("ws", "email", "  ada@example.com ")).isEqualTo(stored);
    }

    @Test
    void shouldKeepUserIdsExactAndTypesAndWorkspacesApart() {
        long stored = SuppressedIdentifier.of("ws", "user_id", "Ada").orElseThrow().key();

        assertThat(SuppressedIdentifier.key("ws", "user_id", "ada")).isNotEqualTo(stored);
        assertThat(SuppressedIdentifier.key("ws", "anonymous_id", "Ada")).isNotEqualTo(stored);
        assertThat(SuppressedIdentifier.key("other", "user_id", "Ada")).isNotEqualTo(stored);
    }

    @Test
    void shouldIgnoreTypesTheTrackingApiCannotSeeAndBlankValues() {
        assertThat(SuppressedIdentifier.of("ws", "phone", "+441234")).isEmpty();
        assertThat(SuppressedIdentifier.of("ws", "email", " ")).isEmpty();
        assertThat(SuppressedIdentifier.of("ws", "user_id", null)).isEmpty();
    }
}
